#include "pipeline/archive_scan.h"

#include <memory>

namespace keyhound {

namespace {

// The image layer a member path runs through: a `docker save` layer ("<id>/layer.tar") or an
// OCI blob ("blobs/sha256/<digest>") that was itself read as an archive; "" when none.
std::string layer_of(const std::string& path) {
  std::string layer;
  size_t start = 0;
  while (true) {
    size_t bang = path.find('!', start);
    if (bang == std::string::npos) break;  // the last part is the member itself
    std::string part = path.substr(start, bang - start);
    size_t blob = part.rfind("blobs/sha256/");
    if (blob != std::string::npos) layer = "sha256:" + part.substr(blob + 13);
    else if (part.size() > 10 && part.compare(part.size() - 10, 10, "/layer.tar") == 0) {
      std::string id = part.substr(0, part.size() - 10);
      layer = id.substr(id.find_last_of('/') + 1);
    }
    start = bang + 1;
  }
  return layer;
}

class MemberScanner : public ArchiveSink {
 public:
  MemberScanner(const Scanner& sc, Scratch& scratch, const ContentOptions& o, ItemOutcome& out)
      : sc_(sc), scratch_(scratch), o_(o), out_(out) {}

  void begin(const std::string& path) override {
    path_ = path;
    buf_.clear();
    stream_.reset();
    decode_.reset();
    bytes_ = 0;
  }
  void data(std::string_view chunk) override {
    bytes_ += chunk.size();
    if (!stream_ && buf_.size() + chunk.size() <= o_.member_buffer) {
      buf_.append(chunk);
      return;
    }
    if (!stream_) {  // too large to hold: stream the rest, decoded chunk by chunk
      stream_ = std::make_unique<StreamScan>(sc_, scratch_);
      decode_ = std::make_unique<StreamDecode>(sc_, scratch_, o_.decode);
      stream_->feed(buf_);
      decode_->feed(buf_);
      buf_.clear();
      buf_.shrink_to_fit();
    }
    stream_->feed(chunk);
    decode_->feed(chunk);
  }
  void end() override {
    ItemOutcome oc;
    oc.path = path_;
    if (stream_) {
      oc.findings = stream_->finish();
      decode_->finish(oc.findings);
      oc.streamed = true;
      stream_.reset();
      decode_.reset();
    } else {
      oc.findings = sc_.scan_block(buf_, scratch_);
      add_decoded_findings(sc_, scratch_, buf_, o_.decode, oc.findings);
    }
    oc.bytes = bytes_;
    scanned(std::move(oc));
    if (buf_.capacity() > o_.member_buffer) buf_.shrink_to_fit();
  }
  // Scanned where the bytes are, without the copy into buf_, when they are few enough to hold.
  void whole(const std::string& path, std::string_view bytes) override {
    if (bytes.size() > o_.member_buffer) return ArchiveSink::whole(path, bytes);
    ItemOutcome oc;
    oc.path = path;
    oc.findings = sc_.scan_block(bytes, scratch_);
    add_decoded_findings(sc_, scratch_, bytes, o_.decode, oc.findings);
    oc.bytes = bytes.size();
    scanned(std::move(oc));
  }
  void skipped(const std::string& path, SkipReason reason, const std::string& line) override {
    ItemOutcome oc;
    oc.path = path;
    oc.skip = reason;
    if (!line.empty()) oc.problem = Problem{ProblemLevel::Warning, line};
    add(std::move(oc));
  }

 private:
  void scanned(ItemOutcome&& oc) {
    oc.scanned = true;
    if (!oc.findings.empty()) {
      std::string layer = layer_of(oc.path);
      if (!layer.empty())
        for (auto& f : oc.findings) f.properties["layer"] = layer;
    }
    add(std::move(oc));
  }
  void add(ItemOutcome&& oc) {
    if (oc.clean()) {
      out_.inner_clean++;
      out_.inner_clean_bytes += oc.bytes;
      return;
    }
    out_.inner.push_back(std::move(oc));
  }

  const Scanner& sc_;
  Scratch& scratch_;
  const ContentOptions& o_;
  ItemOutcome& out_;
  std::string path_, buf_;
  std::unique_ptr<StreamScan> stream_;
  std::unique_ptr<StreamDecode> decode_;
  uint64_t bytes_ = 0;
};

template <class Read>
bool run(const Scanner& sc, Scratch& scratch, const ContentOptions& o, ItemOutcome& out, Read read) {
  ItemOutcome members;
  MemberScanner ms(sc, scratch, o, members);
  if (read(ms) == ArchiveRead::NotAnArchive) return false;
  out.inner = std::move(members.inner);
  out.inner_clean = members.inner_clean;
  out.inner_clean_bytes = members.inner_clean_bytes;
  out.archive = true;
  return true;
}

}  // namespace

bool wants_archive(std::string_view head, const ContentOptions& o) {
  return o.archive.max_depth > 0 && looks_like_archive(head.substr(0, 512));
}

bool scan_archive(const Scanner& sc, Scratch& scratch, std::string_view data, const std::string& name,
                  const ContentOptions& o, ItemOutcome& out) {
  return run(sc, scratch, o, out, [&](ArchiveSink& s) { return read_archive(data, name, o.archive, s); });
}

bool scan_archive_fd(const Scanner& sc, Scratch& scratch, int fd, const std::string& name, const ContentOptions& o,
                     ItemOutcome& out) {
  return run(sc, scratch, o, out, [&](ArchiveSink& s) { return read_archive_fd(fd, name, o.archive, s); });
}

}  // namespace keyhound
