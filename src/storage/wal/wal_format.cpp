#include "storage/wal/wal_format.hpp"

#include <cstring>

#include "util/checksum.hpp"
#include "util/coding.hpp"
#include "util/limits.hpp"

namespace zq::storage {

namespace {
constexpr char kWalMagic[8] = {'Z', 'Q', 'L', 'W', 'A', 'L', '0', '1'};
constexpr uint32_t kWalVersion = 1;
constexpr uint64_t kWalHeaderSeed = 0x57414c4865616465ull;
// CheckTail looks for later records whose LSN is at most this far ahead.
constexpr uint64_t kTailScanLsnWindow = uint64_t{1} << 24;

std::string RecordAad(uint64_t salt, const uint8_t* head) {
  std::string aad(8 + kWalFrameHeadBytes, '\0');
  PutFixed64(reinterpret_cast<uint8_t*>(aad.data()), salt);
  std::memcpy(aad.data() + 8, head, kWalFrameHeadBytes);
  return aad;
}
}  // namespace

void EncodeWalHeader(const WalHeader& header, uint8_t out[kWalHeaderBytes]) {
  std::memset(out, 0, kWalHeaderBytes);
  std::memcpy(out, kWalMagic, 8);
  PutFixed32(out + 8, kWalVersion);
  std::memcpy(out + 16, header.uuid.data(), 16);
  PutFixed64(out + 32, header.salt);
  PutFixed64(out + 40, header.first_lsn);
  PutFixed64(out + 56, Checksum64(out, 56, kWalHeaderSeed));
}

Status DecodeWalHeader(const uint8_t in[kWalHeaderBytes], WalHeader* header) {
  if (std::memcmp(in, kWalMagic, 8) != 0) return Status::Corruption("wal: bad magic");
  if (GetFixed64(in + 56) != Checksum64(in, 56, kWalHeaderSeed)) {
    return Status::Corruption("wal: header checksum mismatch");
  }
  if (GetFixed32(in + 8) != kWalVersion) return Status::NotSupported("wal: unknown version");
  std::memcpy(header->uuid.data(), in + 16, 16);
  header->salt = GetFixed64(in + 32);
  header->first_lsn = GetFixed64(in + 40);
  return Status::Ok();
}

Status AppendWalRecord(PageCodec* codec, uint64_t salt, uint64_t lsn, uint64_t batch_first_lsn,
                       WalRecordKind kind, std::string payload, std::string* out) {
  if (payload.size() > limits::kWalRecordBytesMax) {
    return Status::LimitExceeded("commit too large for one WAL record");
  }
  uint8_t head[kWalFrameHeadBytes] = {};
  PutFixed32(head, static_cast<uint32_t>(payload.size()));
  head[4] = static_cast<uint8_t>(kind);
  PutFixed64(head + 8, lsn);
  PutFixed64(head + 16, batch_first_lsn);
  std::string aad = RecordAad(salt, head);
  uint8_t trailer[32];
  ZQ_RETURN_IF_ERROR(codec->SealRecord(aad, reinterpret_cast<uint8_t*>(payload.data()),
                                       payload.size(), trailer));
  out->append(reinterpret_cast<const char*>(head), kWalFrameHeadBytes);
  out->append(payload);
  out->append(reinterpret_cast<const char*>(trailer), codec->RecordTrailerBytes());
  return Status::Ok();
}

WalReader::WalReader(File* file, PageCodec* codec, const WalHeader& header, uint64_t file_bytes)
    : file_(file),
      codec_(codec),
      header_(header),
      file_bytes_(file_bytes),
      next_lsn_(header.first_lsn) {}

Result<bool> WalReader::ReadFrame(uint64_t offset, uint64_t want_lsn, WalRecord* record) {
  const uint32_t trailer_bytes = codec_->RecordTrailerBytes();
  if (offset > file_bytes_ || file_bytes_ - offset < kWalFrameHeadBytes) {
    stop_reason_ = offset == file_bytes_ ? "end of log" : "torn frame head";
    return false;
  }
  uint8_t head[kWalFrameHeadBytes];
  ZQ_RETURN_IF_ERROR(file_->ReadExact(offset, kWalFrameHeadBytes, head, "wal frame"));
  uint32_t payload_bytes = GetFixed32(head);
  uint64_t lsn = GetFixed64(head + 8);
  uint64_t batch_first = GetFixed64(head + 16);
  uint8_t kind = head[4];
  uint64_t frame_bytes = uint64_t{kWalFrameHeadBytes} + payload_bytes + trailer_bytes;
  if (payload_bytes > limits::kWalRecordBytesMax || frame_bytes > file_bytes_ - offset) {
    stop_reason_ = "torn or invalid frame length";
    return false;
  }
  bool lsn_ok = want_lsn != 0 ? lsn == want_lsn
                              : (lsn > next_lsn_ && lsn - next_lsn_ < kTailScanLsnWindow);
  if (!lsn_ok || batch_first > lsn || (kind != 1 && kind != 2)) {
    stop_reason_ = "unexpected lsn or kind";
    return false;
  }
  record->payload.resize(payload_bytes);
  uint8_t trailer[32];
  ZQ_RETURN_IF_ERROR(file_->ReadExact(offset + kWalFrameHeadBytes, payload_bytes,
                                      reinterpret_cast<uint8_t*>(record->payload.data()),
                                      "wal payload"));
  ZQ_RETURN_IF_ERROR(file_->ReadExact(offset + kWalFrameHeadBytes + payload_bytes, trailer_bytes,
                                      trailer, "wal trailer"));
  Status s = codec_->OpenRecord(RecordAad(header_.salt, head),
                                reinterpret_cast<uint8_t*>(record->payload.data()), payload_bytes,
                                trailer);
  if (!s.ok()) {
    stop_reason_ = std::string(s.message());
    return false;
  }
  record->lsn = lsn;
  record->batch_first_lsn = batch_first;
  record->kind = static_cast<WalRecordKind>(kind);
  record->end_offset = offset + frame_bytes;
  return true;
}

Result<bool> WalReader::Next(WalRecord* record) {
  ZQ_ASSIGN_OR_RETURN(bool ok, ReadFrame(offset_, next_lsn_, record));
  if (!ok) {
    ZQ_RETURN_IF_ERROR(CheckTail());
    return false;
  }
  offset_ = record->end_offset;
  next_lsn_++;
  return true;
}

Status WalReader::CheckTail() {
  if (offset_ >= file_bytes_) return Status::Ok();
  std::string reason = stop_reason_;
  // Frames are not aligned, so every offset past the break is a candidate;
  // a cheap look at the head filters them before a full verification. Runs
  // only when recovery meets a broken record.
  std::string tail(file_bytes_ - offset_, '\0');
  ZQ_RETURN_IF_ERROR(file_->ReadExact(offset_, tail.size(),
                                      reinterpret_cast<uint8_t*>(tail.data()), "wal tail"));
  const auto* base = reinterpret_cast<const uint8_t*>(tail.data());
  WalRecord later;
  for (uint64_t i = 1; i + kWalFrameHeadBytes <= tail.size(); i++) {
    uint64_t lsn = GetFixed64(base + i + 8);
    uint64_t batch_first = GetFixed64(base + i + 16);
    if (batch_first <= next_lsn_ || batch_first > lsn || lsn - next_lsn_ >= kTailScanLsnWindow) {
      continue;  // cannot prove anything about the broken record
    }
    ZQ_ASSIGN_OR_RETURN(bool ok, ReadFrame(offset_ + i, 0, &later));
    if (ok) {
      return Status::Corruption("wal: record " + std::to_string(next_lsn_) + " is damaged (" +
                                reason + ") but the log continues with record " +
                                std::to_string(later.lsn) +
                                " of a later batch; refusing to drop acknowledged commits");
    }
  }
  stop_reason_ = reason;
  return Status::Ok();
}

}  // namespace zq::storage
