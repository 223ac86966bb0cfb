#include "decode/decode_scan.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

#include "engine/newlines.h"

namespace keyhound {

namespace {

// One decoded region of the original item.
struct Decoded {
  size_t start, end;  // the encoded span in the original
  std::string bytes;
  std::vector<std::string> chain;
};

// A stretch of a spliced segment: original bytes, or one region's decoded bytes.
struct Piece {
  size_t seg_off, len;
  size_t orig;        // where it starts in the original (the encoded span's start if decoded)
  int decoded = -1;   // index into the decoded regions, -1 for original bytes
};

struct Mapped {
  size_t orig = 0;
  int decoded = -1;
};

Mapped map_offset(const std::vector<Piece>& pieces, size_t off, size_t len) {
  Mapped m;
  bool first = true;
  for (const Piece& p : pieces) {
    if (p.seg_off + p.len <= off || (len && p.seg_off >= off + len) || (!len && p.seg_off > off)) continue;
    if (first) {
      m.orig = p.decoded >= 0 ? p.orig : p.orig + (std::max(off, p.seg_off) - p.seg_off);
      first = false;
    }
    if (p.decoded >= 0) {
      m.decoded = p.decoded;
      m.orig = p.orig;
      break;
    }
  }
  return m;
}

// 1-based line and column of each offset (sorted ascending), counting from the buffer start.
void line_columns(std::string_view data, const std::vector<size_t>& offsets,
                  std::map<size_t, std::pair<uint64_t, uint64_t>>& out) {
  uint64_t line = 1;
  size_t at = 0, line_start = 0;
  for (size_t off : offsets) {
    while (at < off) {
      const void* nl = std::memchr(data.data() + at, '\n', off - at);
      if (!nl) {
        at = off;
        break;
      }
      at = static_cast<const char*>(nl) - data.data() + 1;
      line_start = at;
      ++line;
    }
    out[off] = {line, off - line_start + 1};
  }
}

void add_chain(std::vector<std::string>& into, const std::vector<std::string>& more) {
  for (auto& w : more)
    if (std::find(into.begin(), into.end(), w) == into.end()) into.push_back(w);
}

}  // namespace

bool decode_deep(std::string_view enc, Encoding e, int depth, const RegionLimits& lim, std::string& out,
                 std::vector<std::string>& chain) {
  if (depth <= 0 || !decode_region(enc, e, out)) return false;
  chain.push_back(encoding_word(e));
  if (depth < 2) return true;
  auto inner = find_encoded_regions(out, lim);
  if (inner.empty()) return true;
  std::string spliced;
  size_t at = 0;
  bool any = false;
  std::vector<std::string> sub_chain;
  for (auto& r : inner) {
    std::string dec;
    std::vector<std::string> sub;
    if (!decode_deep(std::string_view(out).substr(r.start, r.end - r.start), r.encoding, depth - 1, lim, dec, sub))
      continue;
    spliced.append(out, at, r.start - at);
    spliced += dec;
    at = r.end;
    any = true;
    add_chain(sub_chain, sub);
  }
  if (!any) return true;
  spliced.append(out, at, std::string::npos);
  out.swap(spliced);
  chain.insert(chain.end(), sub_chain.begin(), sub_chain.end());
  return true;
}

namespace {

// The findings in the decoded regions of `data`, spliced into their surroundings.
void splice_findings(const Scanner& sc, Scratch& scratch, std::string_view data, const DecodeOptions& o, bool binary,
                     std::vector<Finding>& found, std::vector<size_t>& span_ends) {
  std::vector<EncodedRegion> regions = find_encoded_regions(data, o.limits);
  if (regions.empty()) return;
  std::vector<Decoded> decs;
  for (auto& r : regions) {
    Decoded d{r.start, r.end, {}, {}};
    if (decode_deep(data.substr(r.start, r.end - r.start), r.encoding, o.depth, o.limits, d.bytes, d.chain))
      decs.push_back(std::move(d));
  }
  if (decs.empty()) return;
  for (size_t i = 0; i < decs.size();) {
    // One segment: regions whose context windows touch, with the original bytes between them.
    size_t seg_start = decs[i].start > o.context ? decs[i].start - o.context : 0;
    size_t j = i;
    while (j + 1 < decs.size() && decs[j + 1].start <= decs[j].end + 2 * o.context) ++j;
    size_t seg_end = std::min(data.size(), decs[j].end + o.context);
    std::string text;
    std::vector<Piece> pieces;
    size_t at = seg_start;
    for (size_t k = i; k <= j; ++k) {
      if (decs[k].start > at) {
        pieces.push_back({text.size(), decs[k].start - at, at, -1});
        text.append(data.substr(at, decs[k].start - at));
      }
      pieces.push_back({text.size(), decs[k].bytes.size(), decs[k].start, static_cast<int>(k)});
      text += decs[k].bytes;
      at = decs[k].end;
    }
    if (seg_end > at) {
      pieces.push_back({text.size(), seg_end - at, at, -1});
      text.append(data.substr(at, seg_end - at));
    }
    for (Finding& f : sc.scan_block(text, scratch)) {
      Mapped m = map_offset(pieces, f.offset, f.secret.size());
      // The chain of the secret's region, else of the first part found decoded.
      std::vector<std::string> chain;
      if (m.decoded >= 0) chain = decs[m.decoded].chain;
      std::vector<Mapped> pm;
      for (auto& p : f.parts) {
        pm.push_back(map_offset(pieces, p.offset, p.secret.size()));
        if (chain.empty() && pm.back().decoded >= 0) chain = decs[pm.back().decoded].chain;
      }
      if (chain.empty()) continue;  // all in original bytes: the plain scan has it
      f.offset = m.orig;
      for (size_t k = 0; k < f.parts.size(); ++k) f.parts[k].offset = pm[k].orig;
      f.decoded = chain;
      f.binary = binary;
      span_ends.push_back(m.decoded >= 0 ? decs[m.decoded].end : m.orig);
      found.push_back(std::move(f));
    }
    i = j + 1;
  }
}

// The findings in the UTF-16 text of `data` (PowerShell's Out-File, regedit exports, strings in
// Windows binaries): the runs, one byte per code unit, joined by newlines, scanned and decoded
// as any text; each finding is mapped back with a stride of 2, at its own code units.
void utf16_findings(const Scanner& sc, Scratch& scratch, std::string_view data, const DecodeOptions& o,
                    std::vector<Finding>& found, std::vector<size_t>& span_ends) {
  std::vector<EncodedRegion> runs = find_utf16_runs(data);
  if (runs.empty()) return;
  std::string text;
  std::vector<size_t> at;  // where each run starts in `text`
  std::string unit;
  for (auto& r : runs) {
    if (!text.empty()) text += '\n';
    at.push_back(text.size());
    utf16_to_bytes(data.substr(r.start, r.end - r.start), r.encoding == Encoding::Utf16Be, unit);
    text += unit;
  }
  std::vector<Finding> fs = sc.scan_block(text, scratch);
  add_decoded_findings(sc, scratch, text, o, fs);
  auto orig = [&](size_t off, size_t* run = nullptr) {
    size_t k = std::upper_bound(at.begin(), at.end(), off) - at.begin() - 1;
    if (run) *run = k;
    return runs[k].start + 2 * std::min(off - at[k], (runs[k].end - runs[k].start) / 2);
  };
  for (Finding& f : fs) {
    size_t k;
    f.offset = orig(f.offset, &k);
    for (auto& p : f.parts) p.offset = orig(p.offset);
    std::vector<std::string> chain = {encoding_word(runs[k].encoding)};
    chain.insert(chain.end(), f.decoded.begin(), f.decoded.end());
    f.decoded = chain;
    f.binary = true;
    span_ends.push_back(std::min(runs[k].end, f.offset + 2 * f.secret.size()));
    found.push_back(std::move(f));
  }
}

// A decoded secret that is only a piece of a plain finding's secret decoded (a percent-encoded
// password holding '@' or '/', which cut the decoded URL short) is that finding seen worse.
bool piece_of(const std::string& secret, const std::string& plain) {
  if (plain.size() <= secret.size()) return false;
  std::string d;
  if (percent_unescape(plain, d) || string_unescape(plain, d) || html_unescape(plain, d))
    return d.size() > secret.size() && d.find(secret) != std::string::npos;
  return false;
}

}  // namespace

namespace {
bool asks_hex(const Rule& r) { return std::find(r.decode.begin(), r.decode.end(), "hex") != r.decode.end(); }
}  // namespace

void add_decoded_findings(const Scanner& sc, Scratch& scratch, std::string_view data, const DecodeOptions& opt,
                          std::vector<Finding>& findings) {
  if (opt.depth <= 0 || data.empty()) return;
  DecodeOptions o = opt;
  o.limits.hex = sc.asks_decoder("hex");
  std::vector<Finding> found;     // decoded findings, offsets mapped to the original
  std::vector<size_t> span_ends;  // the end of each one's encoded span
  bool binary = looks_binary(data);
  // UTF-16 needs NULs, and text in it has one every other byte: the head tells.
  if (binary) utf16_findings(sc, scratch, data, o, found, span_ends);
  splice_findings(sc, scratch, data, o, binary, found, span_ends);
  if (found.empty()) return;

  // Lines and columns in the original item.
  std::vector<size_t> offs;
  for (auto& f : found) {
    offs.push_back(f.offset);
    for (auto& p : f.parts) offs.push_back(p.offset);
  }
  std::sort(offs.begin(), offs.end());
  offs.erase(std::unique(offs.begin(), offs.end()), offs.end());
  std::map<size_t, std::pair<uint64_t, uint64_t>> lc;
  line_columns(data, offs, lc);

  std::map<std::pair<std::string, std::string>, size_t> plain;  // (rule, secret) -> index
  for (size_t k = 0; k < findings.size(); ++k) plain.emplace(std::make_pair(findings[k].rule_id, findings[k].secret), k);
  std::set<std::tuple<std::string, std::string, uint64_t>> seen;
  std::vector<bool> replaced(findings.size(), false);
  std::vector<Finding> added;
  for (size_t fi = 0; fi < found.size(); ++fi) {
    Finding& f = found[fi];
    size_t span_end = span_ends[fi];
    // Hex only for the rules that ask for it (RegionLimits::hex).
    if (std::find(f.decoded.begin(), f.decoded.end(), "hex") != f.decoded.end()) {
      int ri = sc.rules().find(f.rule_id);
      if (ri < 0 || !asks_hex(sc.rules().rules[ri])) continue;
    }
    std::tie(f.line, f.column) = lc[f.offset];
    f.end_line = f.line;
    for (auto& p : f.parts) std::tie(p.line, p.column) = lc[p.offset];
    auto it = plain.find({f.rule_id, f.secret});
    if (it != plain.end()) {
      // Seen plainly: one finding. It takes a half of the pair that only decoding showed.
      Finding& pf = findings[it->second];
      bool took = false;
      for (auto& p : f.parts) {
        bool has = std::any_of(pf.parts.begin(), pf.parts.end(), [&](const FindingPart& q) { return q.role == p.role; });
        if (!has) {
          pf.parts.push_back(p);
          add_chain(pf.decoded, f.decoded);
          took = true;
        }
      }
      // Its line as decoded, so that the context shown redacts the half that was encoded.
      if (took) pf.line_text = f.line_text;
      continue;
    }
    if (!seen.insert({f.rule_id, f.secret, f.offset}).second) continue;
    if (std::any_of(findings.begin(), findings.end(), [&](const Finding& pf) {
          return pf.rule_id == f.rule_id && pf.decoded.empty() && pf.offset >= f.offset && pf.offset < span_end &&
                 piece_of(f.secret, pf.secret);
        }))
      continue;
    // A plain match of the same rule inside the encoded span saw the encoded form of this
    // secret (a percent-escaped password): the decoded finding replaces it.
    for (size_t k = 0; k < findings.size(); ++k)
      if (findings[k].rule_id == f.rule_id && findings[k].offset >= f.offset && findings[k].offset < span_end &&
          findings[k].decoded.empty())
        replaced[k] = true;
    added.push_back(std::move(f));
  }
  std::vector<Finding> out;
  out.reserve(findings.size() + added.size());
  for (size_t k = 0; k < findings.size(); ++k)
    if (!replaced[k]) out.push_back(std::move(findings[k]));
  for (auto& f : added) out.push_back(std::move(f));
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.offset < b.offset; });
  findings.swap(out);
}

void StreamDecode::feed(std::string_view chunk) {
  if (o_.depth <= 0 || chunk.empty()) return;
  window_.append(chunk);
  if (window_.size() >= kOverlap + (1 << 20)) decode_window(false);
}

void StreamDecode::decode_window(bool last) {
  std::vector<Finding> fs;
  add_decoded_findings(sc_, scratch_, window_, o_, fs);
  // This window's own part: from the middle of the overlap before it (none for the first) to
  // the middle of the one the next window will have.
  uint64_t own_from = window_at_ == 0 ? 0 : kOverlap / 2;
  uint64_t own_to = last ? window_.size() : window_.size() - kOverlap / 2;
  for (Finding& f : fs) {
    if (f.offset < own_from || f.offset >= own_to) continue;
    if (f.line == 1) f.column += window_at_ - line_start_;  // the window began inside that line
    for (auto& p : f.parts)
      if (p.line == 1) p.column += window_at_ - line_start_;
    f.line += line_at_ - 1;
    f.end_line += line_at_ - 1;
    for (auto& p : f.parts) p.line += line_at_ - 1, p.offset += window_at_;
    f.offset += window_at_;
    found_.push_back(std::move(f));
  }
  if (last) return;
  size_t drop = window_.size() - kOverlap;
  line_at_ += count_newlines(window_.data(), drop);
  if (const void* nl = ::memrchr(window_.data(), '\n', drop))
    line_start_ = window_at_ + (static_cast<const char*>(nl) - window_.data()) + 1;
  window_.erase(0, drop);
  window_at_ += drop;
}

void StreamDecode::finish(std::vector<Finding>& plain) {
  if (o_.depth <= 0) return;
  if (!window_.empty()) decode_window(true);
  window_.clear();
  if (found_.empty()) return;
  std::set<std::pair<std::string, std::string>> seen;
  for (auto& f : plain) seen.insert({f.rule_id, f.secret});
  for (auto& f : found_)
    if (seen.insert({f.rule_id, f.secret}).second) plain.push_back(std::move(f));
  found_.clear();
  std::stable_sort(plain.begin(), plain.end(), [](const Finding& a, const Finding& b) { return a.offset < b.offset; });
}

}  // namespace keyhound
