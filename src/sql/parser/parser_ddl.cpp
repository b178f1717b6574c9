// Schema statements: CREATE TABLE/INDEX/VIEW, DROP, ALTER TABLE, type names.
#include "sql/parser/parser_internal.hpp"

namespace zq::sql {

// CREATE [OR REPLACE] [TEMP | TEMPORARY] {TABLE | VIEW} ...
// | CREATE [UNIQUE] INDEX ... ; CREATE TRIGGER is recognised and refused.
Statement::Node Parser::ParseCreate() {
  uint32_t start = Position();
  ExpectWord("create");
  bool or_replace = false;
  if (AcceptWord("or")) {
    ExpectWord("replace");
    or_replace = true;
  }
  bool temporary = AcceptWord("temp") || AcceptWord("temporary");
  if (IsWord("trigger")) NotSupported(start, "CREATE TRIGGER");
  if (IsWord("view")) return ParseCreateView(or_replace, temporary);
  if (or_replace) Fail("VIEW");
  if (IsWord("table")) return ParseCreateTable(temporary);
  if (temporary) Fail("TABLE or VIEW");
  if (AcceptWord("unique")) return ParseCreateIndex(true);
  if (IsWord("index")) return ParseCreateIndex(false);
  Fail("TABLE, INDEX or VIEW");
}

// TABLE [IF NOT EXISTS] name '(' element [, ...] ')'
CreateTableStmt Parser::ParseCreateTable(bool temporary) {
  ExpectWord("table");
  CreateTableStmt table;
  table.temporary = temporary;
  table.if_not_exists = ParseIfNotExists();
  table.name = ParseQualifiedName("a table name");
  if (IsWord("as")) NotSupported(Position(), "CREATE TABLE ... AS");
  ExpectOp("(");
  do {
    ParseTableElement(&table);
  } while (AcceptOp(","));
  ExpectOp(")");
  return table;
}

void Parser::ParseTableElement(CreateTableStmt* table) {
  if (IsWord("constraint") || IsWord("primary") || IsWord("unique") || IsWord("check") ||
      IsWord("foreign")) {
    table->constraints.push_back(ParseTableConstraint());
  } else {
    table->columns.push_back(ParseColumnDef());
  }
}

// name type [constraint ...]
ColumnDef Parser::ParseColumnDef() {
  ColumnDef column;
  column.position = Position();
  column.name = ParseName("a column name");
  column.type = ParseTypeName();
  while (ParseColumnConstraint(&column)) {
  }
  return column;
}

// [CONSTRAINT name] {NOT NULL | NULL | PRIMARY KEY [ASC | DESC] | UNIQUE
//   | DEFAULT expr | CHECK '(' expr ')'}; false when none follows.
bool Parser::ParseColumnConstraint(ColumnDef* column) {
  ColumnConstraint c;
  c.position = Position();
  if (AcceptWord("constraint")) c.name = ParseName("a constraint name");
  if (AcceptWord("not")) {
    ExpectWord("null");
    c.kind = ColumnConstraintKind::kNotNull;
  } else if (AcceptWord("null")) {
    c.kind = ColumnConstraintKind::kNull;
  } else if (AcceptWord("primary")) {
    ExpectWord("key");
    c.kind = ColumnConstraintKind::kPrimaryKey;
    if (IsWord("desc")) NotSupported(Position(), "PRIMARY KEY DESC");
    AcceptWord("asc");
  } else if (AcceptWord("unique")) {
    c.kind = ColumnConstraintKind::kUnique;
  } else if (AcceptWord("default")) {
    c.kind = ColumnConstraintKind::kDefault;
    c.expr = ParseDefaultValue();
  } else if (AcceptWord("check")) {
    c.kind = ColumnConstraintKind::kCheck;
    ExpectOp("(");
    c.expr = ParseExpr();
    ExpectOp(")");
  } else if (IsWord("references") || IsWord("collate") || IsWord("generated")) {
    NotSupported(Position(), "column option " + Peek().text);
  } else {
    if (!c.name.empty()) Fail("a column constraint");
    return false;
  }
  column->constraints.push_back(std::move(c));
  return true;
}

// [CONSTRAINT name] {PRIMARY KEY '(' cols ')' | UNIQUE '(' cols ')' | CHECK '(' expr ')'}
TableConstraint Parser::ParseTableConstraint() {
  TableConstraint c;
  c.position = Position();
  if (AcceptWord("constraint")) c.name = ParseName("a constraint name");
  if (AcceptWord("primary")) {
    ExpectWord("key");
    c.kind = TableConstraintKind::kPrimaryKey;
    c.columns = ParseNameList("a column name");
  } else if (AcceptWord("unique")) {
    c.kind = TableConstraintKind::kUnique;
    c.columns = ParseNameList("a column name");
  } else if (AcceptWord("check")) {
    c.kind = TableConstraintKind::kCheck;
    ExpectOp("(");
    c.check = ParseExpr();
    ExpectOp(")");
  } else if (IsWord("foreign")) {
    NotSupported(Position(), "FOREIGN KEY");
  } else {
    Fail("PRIMARY KEY, UNIQUE or CHECK");
  }
  return c;
}

// INDEX [IF NOT EXISTS] [name] ON table [USING {BTREE | HASH}]
//   '(' elem [, ...] ')' [WHERE cond]
CreateIndexStmt Parser::ParseCreateIndex(bool unique) {
  ExpectWord("index");
  CreateIndexStmt index;
  index.unique = unique;
  index.if_not_exists = ParseIfNotExists();
  if (index.if_not_exists || !IsWord("on")) index.name = ParseName("an index name");
  ExpectWord("on");
  index.table = ParseQualifiedName("a table name");
  if (AcceptWord("using")) {
    uint32_t at = Position();
    std::string method = ParseName("an index method");
    if (method == "btree") {
      index.method = IndexMethod::kBtree;
    } else if (method == "hash") {
      index.method = IndexMethod::kHash;
    } else {
      NotSupported(at, "index method \"" + method + "\"");
    }
  }
  ExpectOp("(");
  do {
    index.elems.push_back(ParseIndexElem());
  } while (AcceptOp(","));
  ExpectOp(")");
  if (AcceptWord("where")) index.where = ParseExpr();
  return index;
}

// {column | function_call | '(' expr ')'} [ASC | DESC] [NULLS {FIRST | LAST}]
IndexElem Parser::ParseIndexElem() {
  IndexElem elem;
  if (IsOp("(")) {
    Advance();
    elem.expr = ParseExpr();
    ExpectOp(")");
  } else if (IsNameToken()) {
    elem.expr = ParseNameOrCall();
  } else {
    Fail("a column name or '(' expression ')'");
  }
  if (AcceptWord("desc")) {
    elem.descending = true;
  } else {
    AcceptWord("asc");
  }
  elem.nulls = ParseNullsOrder();
  return elem;
}

// VIEW [IF NOT EXISTS] name ['(' columns ')'] AS query
CreateViewStmt Parser::ParseCreateView(bool or_replace, bool temporary) {
  ExpectWord("view");
  CreateViewStmt view;
  view.or_replace = or_replace;
  view.temporary = temporary;
  view.if_not_exists = ParseIfNotExists();
  view.name = ParseQualifiedName("a view name");
  if (IsOp("(")) view.columns = ParseNameList("a column name");
  ExpectWord("as");
  if (!IsQueryStart()) Fail("a query");
  view.query = ParseSelectStmt();
  return view;
}

// DROP {TABLE | INDEX | VIEW} [IF EXISTS] name [, ...] [CASCADE | RESTRICT]
DropStmt Parser::ParseDrop() {
  uint32_t start = Position();
  ExpectWord("drop");
  DropStmt drop;
  if (AcceptWord("table")) {
    drop.kind = ObjectKind::kTable;
  } else if (AcceptWord("index")) {
    drop.kind = ObjectKind::kIndex;
  } else if (AcceptWord("view")) {
    drop.kind = ObjectKind::kView;
  } else if (IsWord("trigger")) {
    NotSupported(start, "DROP TRIGGER");
  } else {
    Fail("TABLE, INDEX or VIEW");
  }
  drop.if_exists = ParseIfExists();
  do {
    drop.names.push_back(ParseQualifiedName("a name"));
  } while (AcceptOp(","));
  if (AcceptWord("cascade")) {
    drop.cascade = true;
  } else {
    AcceptWord("restrict");
  }
  return drop;
}

// ALTER TABLE [IF EXISTS] name {ADD [COLUMN] [IF NOT EXISTS] column_def
//   | DROP [COLUMN] [IF EXISTS] name | RENAME [COLUMN] old TO new | RENAME TO new}
AlterTableStmt Parser::ParseAlterTable() {
  ExpectWord("alter");
  ExpectWord("table");
  AlterTableStmt alter;
  alter.if_exists = ParseIfExists();
  alter.table = ParseQualifiedName("a table name");
  if (AcceptWord("add")) {
    if (IsWord("constraint") || IsWord("primary") || IsWord("unique") || IsWord("check")) {
      NotSupported(Position(), "ALTER TABLE ... ADD CONSTRAINT");
    }
    AcceptWord("column");
    alter.action = AlterAction::kAddColumn;
    alter.column_if_exists = ParseIfNotExists();
    alter.column = ParseColumnDef();
  } else if (AcceptWord("drop")) {
    AcceptWord("column");
    alter.action = AlterAction::kDropColumn;
    alter.column_if_exists = ParseIfExists();
    alter.column_name = ParseName("a column name");
  } else if (AcceptWord("rename")) {
    if (AcceptWord("to")) {
      alter.action = AlterAction::kRenameTable;
    } else {
      AcceptWord("column");
      alter.action = AlterAction::kRenameColumn;
      alter.column_name = ParseName("a column name");
      ExpectWord("to");
    }
    alter.new_name = ParseName("a new name");
  } else {
    Fail("ADD, DROP or RENAME");
  }
  return alter;
}

// type: name ['(' int [, ...] ')'], with the multi-word spellings
// DOUBLE PRECISION, CHARACTER VARYING and TIME[STAMP] [(p)] {WITH | WITHOUT} TIME ZONE.
TypeName Parser::ParseTypeName() {
  TypeName type;
  type.position = Position();
  type.name = ParseName("a type name");
  if (type.name == "double" && AcceptWord("precision")) {
    type.name = "double precision";
  } else if ((type.name == "character" || type.name == "char") && AcceptWord("varying")) {
    type.name = "character varying";
  }
  ParseTypeModifiers(&type);
  if ((type.name == "timestamp" || type.name == "time") && (IsWord("with") || IsWord("without")) &&
      IsWord("time", 1)) {
    bool with = IsWord("with");
    Advance();
    Advance();
    ExpectWord("zone");
    type.name += with ? " with time zone" : " without time zone";
  }
  if (IsOp("[")) NotSupported(Position(), "array types");
  return type;
}

void Parser::ParseTypeModifiers(TypeName* type) {
  if (!AcceptOp("(")) return;
  do {
    if (Peek().kind != TokenKind::kInteger) Fail("an integer type modifier");
    type->modifiers.push_back(Peek().text);
    Advance();
  } while (AcceptOp(","));
  ExpectOp(")");
}

}  // namespace zq::sql
