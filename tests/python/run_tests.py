"""Runs test_*.py functions without pytest (for interpreters that lack it)."""
import importlib.util
import os
import sys
import traceback

here = os.path.dirname(os.path.abspath(__file__))
failed = passed = 0
for name in sorted(os.listdir(here)):
    if not (name.startswith("test_") and name.endswith(".py")):
        continue
    spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(here, name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for attr in sorted(dir(module)):
        if attr.startswith("test_") and callable(getattr(module, attr)):
            try:
                getattr(module, attr)()
                passed += 1
            except Exception:  # noqa: BLE001 - report every failure
                failed += 1
                print("FAIL %s.%s" % (name, attr))
                traceback.print_exc()
print("python %s: %d passed, %d failed" % (sys.version.split()[0], passed, failed))
sys.exit(1 if failed else 0)
