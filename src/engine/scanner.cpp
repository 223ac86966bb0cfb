#include "engine/scanner.h"

#include <hs/hs.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_set>
#include <stdexcept>
#include <tuple>

#include "checks/checksum.h"
#include "checks/context.h"
#include "checks/entropy.h"
#include "checks/password.h"
#include "checks/placeholder.h"
#include "checks/shape.h"
#include "engine/newlines.h"
#include "engine/regex_width.h"
#include "findings/attach.h"
#include "rules/rule_loader.h"

namespace keyhound {

namespace {

// A URL credential (user:pass@host) whose host is a documentation name (example.com...): the
// match ends with '@' and the host's first character, the host runs on in the buffer.
bool credential_for_documentation_host(std::string_view buf, const re2::StringPiece& whole) {
  if (whole.size() < 2 || whole[whole.size() - 2] != '@') return false;
  size_t start = whole.data() - buf.data() + whole.size() - 1, end = start;
  while (end < buf.size() && end - start < 256 &&
         (std::isalnum(static_cast<unsigned char>(buf[end])) || buf[end] == '.' || buf[end] == '-'))
    ++end;
  return is_documentation_host(buf.substr(start, end - start));
}
// Bytes of surrounding text the checks may look at on each side of a secret (its line, nearby
// lines). Bounded so that stream mode can keep a fixed tail and still see what block mode sees.
constexpr uint64_t kContextBytes = 2048;
// A run of overlapping windows is cut at this length, so a file dense with keywords cannot make
// the stream buffer grow without bound.
constexpr uint64_t kMaxRun = 64 * 1024;

struct Hit {
  uint64_t end;
  unsigned kw;
};

int on_hit(unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  static_cast<std::vector<Hit>*>(ctx)->push_back({to, id});
  return 0;
}

struct Run {
  uint64_t start = 0, end = 0;
  bool open = false;
};

// Drops the hits Hyperscan cannot rule out itself (a word-start keyword inside a word).
void drop_false_hits(std::vector<Hit>& hits, const KeywordTable& kt, std::string_view buf, uint64_t base) {
  hits.erase(std::remove_if(hits.begin(), hits.end(),
                            [&](const Hit& h) { return !keyword_hit_ok(kt, h.kw, buf, base, h.end); }),
             hits.end());
}
}  // namespace

bool looks_binary(std::string_view head) {
  return std::memchr(head.data(), 0, std::min<size_t>(head.size(), 8192)) != nullptr;
}

// The part shared by block and stream mode: turns keyword hits into windows (runs), confirms
// them with RE2 and applies the checks.
class MatchState {
 public:
  explicit MatchState(const Scanner& sc)
      : sc_(sc), runs_(sc.rules().rules.size()) {
    reach_ = sc.max_window() + sc.db().keywords().max_keyword_len;
    margin_ = std::max(reach_ + 1, kContextBytes);
  }

  void add_hits(std::vector<Hit>& hits) {
    std::sort(hits.begin(), hits.end(),
              [](const Hit& a, const Hit& b) { return std::tie(a.end, a.kw) < std::tie(b.end, b.kw); });
    const auto& kt = sc_.db().keywords();
    for (const Hit& h : hits) {
      uint64_t kwlen = kt.keywords[h.kw].size();
      for (const auto& use : kt.rules_of[h.kw]) {
        int ri = use.rule;
        uint64_t kstart = h.end >= kwlen ? h.end - kwlen : 0;
        uint64_t s = kstart >= static_cast<uint64_t>(use.before) ? kstart - use.before : 0;
        uint64_t e = h.end + use.after;
        Run& run = runs_[ri];
        if (run.open && s <= run.end && run.end - run.start < kMaxRun) {
          run.end = std::max(run.end, e);
        } else {
          if (run.open) closed_.push_back({ri, run});
          else open_.push_back(ri);
          run = {s, e, true};
        }
      }
    }
    hits.clear();
  }

  // Runs of the whole-item rules over an item of `size` bytes, for those whose window holds it.
  // Returns whether any was added.
  bool add_whole_item(uint64_t size) {
    bool any = false;
    for (int ri : sc_.whole_item_rules()) {
      if (size > static_cast<uint64_t>(sc_.rules().rules[ri].window)) continue;
      Run& run = runs_[ri];
      if (run.open) run.end = std::max(run.end, size);
      else {
        open_.push_back(ri);
        run = {0, size, true};
      }
      any = true;
    }
    return any;
  }

  // Processes every run that no future hit can extend and whose context is in `buf`.
  // `base_line_start` is the absolute offset where the line holding buf[0] starts (it may lie
  // before `base` when stream mode has already dropped the start of a long line).
  void flush(std::string_view buf, uint64_t base, uint64_t base_line, uint64_t base_line_start,
             uint64_t scanned, bool eof) {
    std::vector<std::pair<int, Run>> ready;
    // A closed run also waits until the context after it has arrived (fuzz-found: a run closed
    // by a later hit was confirmed before the bytes of its line's tail were in the buffer).
    std::vector<std::pair<int, Run>> waiting;
    for (auto& c : closed_)
      (eof || c.second.end + margin_ <= scanned ? ready : waiting).push_back(c);
    closed_.swap(waiting);
    // Only rules with an open run are looked at: a file usually has none.
    size_t keep = 0;
    for (int ri : open_) {
      Run& run = runs_[ri];
      if (eof || run.end + margin_ <= scanned) {
        ready.push_back({ri, run});
        run.open = false;
      } else {
        open_[keep++] = ri;
      }
    }
    open_.resize(keep);
    size_t first_new = findings.size();
    for (auto& [ri, run] : ready) confirm(ri, run, buf, base, scanned);
    number_lines(buf, base, base_line, base_line_start, first_new);
  }

  // The oldest absolute offset later flushes may still need.
  uint64_t keep_from(uint64_t scanned) const {
    uint64_t k = scanned > reach_ ? scanned - reach_ : 0;
    for (int ri : open_) k = std::min(k, runs_[ri].start);
    for (auto& [ri, r] : closed_) k = std::min(k, r.start);
    return k > kContextBytes ? k - kContextBytes : 0;
  }

  std::vector<Finding> findings;

 private:
  void confirm(int ri, const Run& run, std::string_view buf, uint64_t base, uint64_t scanned) {
    const Rule& rule = sc_.rules().rules[ri];
    uint64_t s = std::max(run.start, base), e = std::min(run.end, scanned);
    if (s >= e) return;
    sc_.ensure_compiled(ri);
    size_t pos = s - base, end = e - base;
    // A window without a byte every match needs cannot match: skip RE2 (most URL hits).
    for (char c : sc_.required_bytes(ri))
      if (!std::memchr(buf.data() + pos, c, end - pos)) return;
    int ng = rule.re->NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> g(ng);
    while (pos < end) {
      if (!rule.re->Match(re2::StringPiece(buf.data(), buf.size()), pos, end, RE2::UNANCHORED,
                          g.data(), ng))
        break;
      const re2::StringPiece& whole = g[0];
      re2::StringPiece sec = g[std::max(rule.secret_group, 0)];
      if (rule.secret_group == kFirstNonEmptyGroup) {
        // gitleaks' rule for regexes without secretGroup: the first group that matched text,
        // else the whole match.
        sec = whole;
        for (int i = 1; i < ng; ++i)
          if (g[i].data() && !g[i].empty()) {
            sec = g[i];
            break;
          }
      }
      size_t wend = whole.data() - buf.data() + whole.size();
      size_t next = wend;
      if (sec.data() && !sec.empty()) {
        size_t soff = sec.data() - buf.data();
        next = std::max(pos + 1, soff + sec.size());
        consider(ri, rule, buf, base, soff, sec.size(), whole, g);
      }
      pos = std::max(next, pos + 1);
    }
  }

  void consider(int ri, const Rule& rule, std::string_view buf, uint64_t base, size_t soff,
                size_t slen, const re2::StringPiece& whole, const std::vector<re2::StringPiece>& groups) {
    uint64_t abs = base + soff;
    std::string_view secret = buf.substr(soff, slen);
    double h = shannon_entropy(secret);
    if (h < rule.min_entropy) return;
    // Rules with a value check (passwords) apply their own placeholder rules.
    if (rule.value_check.empty() && is_placeholder(secret)) return;
    if (!rule.checksum.empty() && !verify_checksum(rule.checksum, secret)) return;
    if (!rule.reject_shapes.empty() && rejected_shape(rule.reject_shapes, secret)) return;
    if (!rule.value_check.empty() && !passes_value_check(rule.value_check, secret)) return;
    // Without evidence in the text, a rule naming evidence files keeps the candidate for the
    // source to decide: only it knows the path (see file_evidence_holds).
    bool needs_file = false;
    if ((rule.context_line_re || rule.context_nearby_re) &&
        !has_context_evidence(rule, buf, soff, slen, kContextBytes)) {
      if (rule.evidence_files.empty()) return;
      needs_file = true;
    }
    // Evidence files and no text evidence to look for: the file's name is the only evidence
    // (a .pgpass line, a FileZilla <Pass>).
    if (!rule.context_line_re && !rule.context_nearby_re && !rule.evidence_files.empty()) needs_file = true;
    // Checked last: the checks above give the same answer for the same span, and most
    // candidates fail them, so only survivors pay for the set.
    if (!seen_.insert(SeenKey{ri, abs, slen}).second) return;
    Finding f;
    f.rule_id = rule.id;
    f.rule_index = ri;
    f.facts = rule.facts;
    f.secret.assign(secret);
    f.match.assign(whole.data(), std::min<size_t>(whole.size(), 4096));
    f.offset = abs;
    f.entropy = h;
    // A value in a tool's own credential file is what the tool sends, "ExamplePas123" too.
    f.example = (rule.value_check != "stored-password" && is_documentation_example(secret)) ||
                is_published_example(rule.doc_examples, secret) || credential_for_documentation_host(buf, whole);
    f.line_text = line_around(buf, soff, slen, kContextBytes);
    if (needs_file) f.evidence_files = rule.evidence_files;
    // What the credential opens, when the format names it: the rule's named groups host, user,
    // database, registry (not secrets; shown as they are).
    for (const auto& [name, idx] : rule.re->NamedCapturingGroups())
      if (idx < static_cast<int>(groups.size()) && groups[idx].data() && !groups[idx].empty())
        f.properties["opens_" + name] = std::string(groups[idx].data(), std::min<size_t>(groups[idx].size(), 256));
    findings.push_back(std::move(f));
  }

  // Fills line/column of findings[first..] from the buffer, counting newlines from its base.
  void number_lines(std::string_view buf, uint64_t base, uint64_t base_line, uint64_t base_line_start,
                    size_t first) {
    if (first == findings.size()) return;
    std::vector<Finding*> fs;
    for (size_t i = first; i < findings.size(); ++i) fs.push_back(&findings[i]);
    std::sort(fs.begin(), fs.end(), [](Finding* a, Finding* b) { return a->offset < b->offset; });
    uint64_t line = base_line;
    size_t at = 0;
    uint64_t line_start = base_line_start;  // absolute
    // Column counts from the last newline before the finding; find it once per finding.
    for (Finding* f : fs) {
      size_t target = f->offset - base;
      while (at < target) {
        const void* nl = std::memchr(buf.data() + at, '\n', target - at);
        if (!nl) { at = target; break; }
        at = static_cast<const char*>(nl) - buf.data() + 1;
        line_start = base + at;
        ++line;
      }
      f->line = line;
      f->column = f->offset - line_start + 1;
      uint64_t nl_in_secret = std::count(f->secret.begin(), f->secret.end(), '\n');
      f->end_line = line + nl_in_secret;
    }
  }

  const Scanner& sc_;
  std::vector<Run> runs_;
  std::vector<std::pair<int, Run>> closed_;
  std::vector<int> open_;  // rules whose run is open
  // A match found twice by overlapping runs (a run cut at kMaxRun) is reported once.
  struct SeenKey {
    int rule;
    uint64_t offset;
    size_t len;
    bool operator==(const SeenKey& o) const { return rule == o.rule && offset == o.offset && len == o.len; }
  };
  struct SeenHash {
    size_t operator()(const SeenKey& k) const {
      return (k.offset * 0x9E3779B97F4A7C15ull) ^ (static_cast<uint64_t>(k.rule) << 40) ^ k.len;
    }
  };
  std::unordered_set<SeenKey, SeenHash> seen_;
  uint64_t reach_ = 0, margin_ = 0;
};

Scanner::Scanner(const RuleSet& rules, const Database& db)
    : rules_(rules), db_(db), compiled_(new std::once_flag[rules.rules.size()]) {
  required_.reserve(rules.rules.size());
  for (auto& r : rules.rules) {
    required_.push_back(regex_required_bytes(r.regex));
    if (r.enabled) max_window_ = std::max<uint64_t>(max_window_, r.window);
    if (r.enabled)
      for (auto& d : r.decode)
        if (std::find(extra_decoders_.begin(), extra_decoders_.end(), d) == extra_decoders_.end()) extra_decoders_.push_back(d);
    if (r.enabled && std::find(r.keywords.begin(), r.keywords.end(), kWholeItemKeyword) != r.keywords.end()) {
      whole_item_.push_back(static_cast<int>(&r - rules.rules.data()));
      whole_item_window_ = std::max<uint64_t>(whole_item_window_, r.window);
    }
  }
}

void Scanner::ensure_compiled(int ri) const {
  std::call_once(compiled_[ri], [&] {
    // The RuleSet is not const where it lives (Engine); the once_flag orders this write before
    // every read, which all follow a call to ensure_compiled.
    Rule& r = const_cast<Rule&>(rules_.rules[ri]);
    if (!r.re) compile_rule_regexes(r);
  });
}

std::vector<Finding> Scanner::scan_block(std::string_view data, Scratch& scratch) const {
  std::vector<Hit> hits;
  if (!data.empty()) {
    // Hyperscan's block API takes an unsigned int length; larger buffers go through a stream.
    if (data.size() >= (1ull << 31)) {
      StreamScan ss(*this, scratch);
      for (size_t off = 0; off < data.size(); off += (1u << 30))
        ss.feed(data.substr(off, 1u << 30));
      return ss.finish();
    }
    if (hs_scan(db_.block_db(), data.data(), static_cast<unsigned>(data.size()), 0, scratch.get(),
                on_hit, &hits) != HS_SUCCESS)
      throw std::runtime_error("hyperscan: scan failed");
  }
  drop_false_hits(hits, db_.keywords(), data, 0);
  // Whole-item rules (a file that is only a key) look at small items only; the window bound
  // keeps the common case, no keyword hit, free of any work.
  bool whole = !data.empty() && data.size() <= whole_item_window_;
  if (hits.empty() && !whole) return {};  // most files: no keyword, nothing to confirm
  bool had_hits = !hits.empty();
  MatchState st(*this);
  st.add_hits(hits);
  if (whole && !st.add_whole_item(data.size()) && !had_hits) return {};
  st.flush(data, 0, 1, 0, data.size(), true);
  bool bin = looks_binary(data);
  for (auto& f : st.findings) f.binary = bin;
  finalize_findings(rules_, st.findings);
  return std::move(st.findings);
}

StreamScan::StreamScan(const Scanner& scanner, Scratch& scratch)
    : scanner_(scanner), scratch_(scratch), state_(std::make_unique<MatchState>(scanner)) {
  if (hs_open_stream(scanner.db().stream_db(), 0, &stream_) != HS_SUCCESS)
    throw std::runtime_error("hyperscan: cannot open a stream");
}

StreamScan::~StreamScan() {
  if (stream_) hs_close_stream(stream_, scratch_.get(), nullptr, nullptr);
}

void StreamScan::feed(std::string_view chunk) {
  if (finished_ || chunk.empty()) return;
  if (scanned_ < 8192) binary_ = binary_ || looks_binary(chunk.substr(0, 8192 - scanned_));
  std::vector<Hit> hits;
  // Split so each call fits Hyperscan's unsigned length.
  for (size_t off = 0; off < chunk.size(); off += (1u << 30)) {
    std::string_view part = chunk.substr(off, 1u << 30);
    if (hs_scan_stream(stream_, part.data(), static_cast<unsigned>(part.size()), 0, scratch_.get(),
                       on_hit, &hits) != HS_SUCCESS)
      throw std::runtime_error("hyperscan: stream scan failed");
  }
  buf_.append(chunk.data(), chunk.size());
  scanned_ += chunk.size();
  drop_false_hits(hits, scanner_.db().keywords(), buf_, base_);
  state_->add_hits(hits);
  state_->flush(buf_, base_, base_line_, base_line_start_, scanned_, false);
  uint64_t keep = state_->keep_from(scanned_);
  if (keep > base_) {
    size_t drop = keep - base_;
    base_line_ += count_newlines(buf_.data(), drop);
    // Remember where the line that continues into the kept bytes started (for columns).
    if (const void* nl = ::memrchr(buf_.data(), '\n', drop))
      base_line_start_ = base_ + (static_cast<const char*>(nl) - buf_.data()) + 1;
    buf_.erase(0, drop);
    base_ = keep;
  }
}

std::vector<Finding> StreamScan::finish() {
  if (finished_) return {};
  finished_ = true;
  std::vector<Hit> hits;
  if (hs_close_stream(stream_, scratch_.get(), on_hit, &hits) != HS_SUCCESS) {
    stream_ = nullptr;
    throw std::runtime_error("hyperscan: cannot close a stream");
  }
  stream_ = nullptr;
  drop_false_hits(hits, scanner_.db().keywords(), buf_, base_);
  state_->add_hits(hits);
  if (base_ == 0 && scanned_ > 0) state_->add_whole_item(scanned_);
  state_->flush(buf_, base_, base_line_, base_line_start_, scanned_, true);
  for (auto& f : state_->findings) f.binary = binary_;
  finalize_findings(scanner_.rules(), state_->findings);
  return std::move(state_->findings);
}

}  // namespace keyhound
