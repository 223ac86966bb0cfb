#include "provider_corpus.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "checks/checksum.h"
#include "checks/context.h"
#include "checks/entropy.h"
#include "checks/placeholder.h"
#include "rules/rule_loader.h"
#include "provider_families.h"

namespace provider_corpus {
namespace {

using keyhound::Rule;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

const std::string kDigits = "0123456789";
const std::string kLower = "abcdefghijklmnopqrstuvwxyz";
const std::string kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const std::string kHexLower = "0123456789abcdef";
const std::string kHexUpper = "0123456789ABCDEF";

char pick_char(const std::string& alphabet, std::mt19937_64& rng) { return alphabet[rng() % alphabet.size()]; }

// Per position: the alphabet a fresh character is drawn from ("" = keep the character).
std::vector<std::string> alphabets(const Rule& rule, const std::string& sec) {
  std::vector<std::string> out(sec.size());
  std::vector<bool> prot(sec.size(), false);
  std::string ls = lower(sec);
  for (std::string k : rule.keywords) {
    if (k.rfind("\\b", 0) == 0) k = k.substr(2);
    k = lower(k);
    if (k.empty()) continue;
    for (size_t p = ls.find(k); p != std::string::npos; p = ls.find(k, p + 1))
      for (size_t i = p; i < p + k.size(); ++i) prot[i] = true;
  }
  for (size_t a = 0; a < sec.size();) {
    if (!is_alnum(sec[a])) { ++a; continue; }
    size_t b = a;
    bool dig = false, low = false, up = false, hexlow = true, hexup = true;
    while (b < sec.size() && is_alnum(sec[b])) {
      char c = sec[b];
      if (std::isdigit(static_cast<unsigned char>(c))) dig = true;
      else if (std::islower(static_cast<unsigned char>(c))) { low = true; hexup = false; if (c > 'f') hexlow = false; }
      else { up = true; hexlow = false; if (c > 'F') hexup = false; }
      ++b;
    }
    std::string alpha;
    if (b - a >= 8 && low && !up && hexlow) alpha = kHexLower;
    else if (b - a >= 8 && up && !low && hexup) alpha = kHexUpper;
    else {
      if (dig) alpha += kDigits;
      if (low) alpha += kLower;
      if (up) alpha += kUpper;
    }
    for (size_t i = a; i < b; ++i)
      if (!prot[i]) out[i] = alpha;
    a = b;
  }
  return out;
}

std::string apply_checksum(const Rule& rule, std::string s) {
  if (rule.checksum != "github-crc32") return s;
  size_t us = s.find('_');
  if (us == std::string::npos || s.size() - us - 1 != 36) return s;
  std::string body = s.substr(us + 1, 30);
  return s.substr(0, us + 1) + body + provider_families::github_crc32_suffix(body);
}

std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (is_alnum(c)) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "provider" : out;
}

std::string upper_ident(const std::string& id) {
  std::string out;
  for (char c : id) out += is_alnum(c) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
  return out;
}

bool is_ident(const std::string& s) { return RE2::FullMatch(s, "[A-Za-z_][A-Za-z0-9_]*"); }

// A rendered spot: `text` (possibly several lines) holding the value at `off`.
struct Entry {
  std::string text;
  size_t off = 0;
  size_t len = 0;
};

// The formats a planted key can be written in; each maps to one file per provider.
const std::vector<std::string> kFormats = {"env", "yaml", "json", "python", "js", "go", "shell", "markdown", "text"};

std::string file_name(const std::string& format, bool lookalike) {
  static const std::map<std::string, std::string> names = {
      {"env", ".env"},           {"yaml", "config.yaml"}, {"json", "config.json"},
      {"python", "settings.py"}, {"js", "config.js"},     {"go", "config.go"},
      {"shell", "deploy.sh"},    {"markdown", "README.md"}, {"text", "notes.txt"}};
  std::string n = names.at(format);
  if (!lookalike) return n;
  if (n[0] == '.') return ".env.lookalike";
  return "lookalike-" + n;
}

// Renders `value` (which sits at `off` in the example line `ex`) in `format`; false if the
// format cannot hold it.
bool render(const std::string& format, const Rule& rule, const std::string& ex, size_t off, size_t len,
            Entry* e) {
  std::string value = ex.substr(off, len);
  std::string before = ex.substr(0, off), after = ex.substr(off + len);
  bool multiline = ex.find('\n') != std::string::npos;
  bool quotable = value.find_first_of("\"\\'$`\n") == std::string::npos;
  auto set = [&](const std::string& pre, const std::string& val, const std::string& post) {
    e->text = pre + val + post;
    e->off = pre.size();
    e->len = val.size();
    return true;
  };
  // Verbatim forms: the example exactly as written.
  if (multiline) {
    if (format == "text") return set(before, value, after);
    if (format == "markdown") return set("```\n" + before, value, after + "\n```");
    if (format == "python" && ex.find("\"\"\"") == std::string::npos)
      return set("KEY_MATERIAL = \"\"\"" + before, value, after + "\"\"\"");
    return false;
  }
  std::string name;
  std::string m1, m2;
  static const RE2 assign_re(R"re(^\s*(?:export\s+)?["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?::=|=|:)\s*["']?$)re");
  static const RE2 tail_re(R"re(^["']?\s*[,;]?\s*$)re");
  bool tail_ok = RE2::FullMatch(after, tail_re);
  if (tail_ok && RE2::FullMatch(before, assign_re, &name)) {
  } else if (tail_ok && RE2::FullMatch(before, R"re(^\s*["']?$)re")) {
    name = upper_ident(rule.id);
  }
  if (!name.empty() && quotable) {
    if (format == "env") return set(name + "=", value, "");
    if (format == "yaml") return set(name + ": \"", value, "\"");
    if (format == "json") return set("  \"" + name + "\": \"", value, "\",");
    if (format == "python")
      return is_ident(name) ? set(name + " = \"", value, "\"") : set("settings[\"" + name + "\"] = \"", value, "\"");
    if (format == "js")
      return is_ident(name) ? set("const " + name + " = \"", value, "\";")
                            : set("config[\"" + name + "\"] = \"", value, "\";");
    if (format == "go")
      return is_ident(name) ? set("var " + name + " = \"", value, "\"")
                            : set("var _ = map[string]string{\"" + name + "\": \"", value, "\"}");
    if (format == "shell") return is_ident(name) ? set("export " + name + "=\"", value, "\"") : false;
    if (format == "markdown") return set("```\n" + name + "=", value, "\n```");
    if (format == "text") return set(before, value, after);
    return false;
  }
  // Other one-line examples (a URL in a call, a header...): verbatim, or as a comment.
  if (format == "text") return set(before, value, after);
  if (format == "markdown") return set("```\n" + before, value, after + "\n```");
  if (format == "python" || format == "shell" || format == "yaml") return set("# " + before, value, after);
  if (format == "js" || format == "go") return set("// " + before, value, after);
  if (format == "json" && ex.find_first_of("\"\\") == std::string::npos)
    return set("  \"note\": \"" + before, value, after + "\",");
  return false;
}

// Calls fn(secret, whole) for each match of the rule's regex in `text` whose secret group is
// non-empty, resuming after the secret as the engine does; stops early when fn returns true.
// Returns whether fn stopped it.
template <typename Fn>
bool for_each_secret(const Rule& rule, const std::string& text, Fn fn) {
  int ng = rule.re->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> g(ng);
  size_t pos = 0;
  while (pos <= text.size() &&
         rule.re->Match(re2::StringPiece(text.data(), text.size()), pos, text.size(), RE2::UNANCHORED, g.data(), ng)) {
    const re2::StringPiece& sec = g[rule.secret_group];
    size_t next = g[0].data() - text.data() + g[0].size();
    if (sec.data() && !sec.empty()) {
      if (fn(sec, g[0])) return true;
      next = sec.data() - text.data() + sec.size();
    }
    pos = std::max(next, pos + 1);
  }
  return false;
}

bool valid_entry(const Rule& rule, const Entry& e) {
  if (!regex_captures(rule, e.text, e.off, e.len)) return false;
  if (rule.context_line_re || rule.context_nearby_re)
    return keyhound::has_context_evidence(rule, e.text, e.off, e.len, 4096);
  return true;
}

// True if the rule's regex matches anywhere in the text (so the spot is no look-alike for it).
bool regex_matches_anywhere(const Rule& rule, const std::string& text) {
  return for_each_secret(rule, text, [](const re2::StringPiece&, const re2::StringPiece&) { return true; });
}

// Every key another rule's documented format (a keyword, the regex, value checks: entropy, placeholder,
// checksum, and its context evidence within `text`) finds in `text`, as "rule-id: secret". A spot holding one is no look-alike.
std::vector<std::string> keys_for_other_rules(const keyhound::RuleSet& rs, const Rule& self, const std::string& text) {
  std::vector<std::string> out;
  for (const Rule& r : rs.rules) {
    if (&r == &self || r.family == "generic" || !r.enabled) continue;
    // The engine runs a rule's regex only near one of its keywords.
    bool keyword = false;
    std::string lt = lower(text);
    for (std::string k : r.keywords) {
      if (k.rfind("\\b", 0) == 0) k = k.substr(2);
      if (!k.empty() && lt.find(lower(k)) != std::string::npos) keyword = true;
    }
    if (!keyword) continue;
    for_each_secret(r, text, [&](const re2::StringPiece& sec, const re2::StringPiece&) {
      std::string_view v(sec.data(), sec.size());
      if (keyhound::shannon_entropy(v) >= r.min_entropy && !keyhound::is_placeholder(v) &&
          (r.checksum.empty() || keyhound::verify_checksum(r.checksum, v)) &&
          (!(r.context_line_re || r.context_nearby_re) ||
           keyhound::has_context_evidence(r, text, sec.data() - text.data(), sec.size(), 4096)))
        out.push_back(r.id + ": " + std::string(v.substr(0, 60)));
      return false;
    });
  }
  return out;
}

struct Filler {
  std::vector<std::string> header, lines, footer;
};

const Filler& filler(const std::string& format) {
  static const std::map<std::string, Filler> f = {
      {"env", {{"# service configuration"}, {"LOG_LEVEL=info", "PORT=8080", "NODE_ENV=production", "CACHE_TTL=300",
                                             "FEATURE_FLAGS=search,export", "# storage", "WORKERS=4"}, {}}},
      {"yaml", {{"# service settings", "service: billing"}, {"timeout: 30", "retries: 3", "region: eu-west-1",
                                                           "log_level: info", "replicas: 2", "# limits"}, {}}},
      {"json", {{"{"}, {"  \"port\": 8080,", "  \"debug\": false,", "  \"region\": \"eu-west-1\",", "  \"retries\": 3,",
                        "  \"name\": \"billing-service\","}, {"  \"workers\": 4", "}"}}},
      {"python", {{"import os", ""}, {"DEBUG = False", "TIMEOUT = 30", "MAX_RETRIES = 5", "# worker settings",
                                      "def handler(event, context):", "    return {\"status\": 200}", ""}, {}}},
      {"js", {{"'use strict';", ""}, {"const port = 3000;", "const retries = 3;", "// settings",
                                      "function sum(a, b) { return a + b; }", ""}, {"module.exports = { port };"}}},
      {"go", {{"package config", ""}, {"const Timeout = 30", "// Settings for the service.", "var Retries = 3",
                                       "func Add(a, b int) int { return a + b }", ""}, {}}},
      {"shell", {{"#!/bin/sh", "set -eu"}, {"echo \"deploying\"", "cd \"$(dirname \"$0\")\"", "# deploy step",
                                            "make build", "mkdir -p dist"}, {"echo done"}}},
      {"markdown", {{"# Service notes", ""}, {"Configure the service before the first run.", "", "## Setup",
                                              "Run `make install`, then start the server.", "- restart after edits"}, {}}},
      {"text", {{"deployment notes"}, {"", "ask ops about the new region", "---", "the old host retires in May",
                                       "call the vendor on Monday"}, {}}},
  };
  return f.at(format);
}

// Builds one file: header, then each entry among 1-3 filler lines, then the footer. Returns for
// each entry the 1-based line where its value starts.
std::vector<uint64_t> write_entries(const std::string& path, const std::string& format,
                                    const std::vector<Entry>& entries, size_t min_gap, std::mt19937_64& rng) {
  const Filler& f = filler(format);
  std::string out;
  uint64_t line = 1;
  auto add = [&](const std::string& s) {
    out += s;
    out += '\n';
    line += 1 + std::count(s.begin(), s.end(), '\n');
  };
  std::vector<uint64_t> lines;
  for (auto& h : f.header) add(h);
  for (auto& e : entries) {
    size_t n = min_gap + rng() % 3;
    for (size_t i = 0; i < n; ++i) add(f.lines[rng() % f.lines.size()]);
    lines.push_back(line + std::count(e.text.begin(), e.text.begin() + e.off, '\n'));
    add(e.text);
  }
  size_t tail = 1 + rng() % 2;
  for (size_t i = 0; i < tail; ++i) add(f.lines[rng() % f.lines.size()]);
  for (auto& t : f.footer) add(t);
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream o(path, std::ios::binary);
  o << out;
  if (!o) throw std::runtime_error("cannot write " + path);
  return lines;
}

}  // namespace

bool regex_captures(const Rule& rule, const std::string& text, size_t offset, size_t len) {
  return regex_captures(rule, text, offset, len, nullptr);
}

bool regex_captures(const Rule& rule, const std::string& text, size_t offset, size_t len, std::string* whole) {
  return for_each_secret(rule, text, [&](const re2::StringPiece& sec, const re2::StringPiece& all) {
    if (static_cast<size_t>(sec.data() - text.data()) != offset || sec.size() != len) return false;
    if (whole) whole->assign(all.data(), all.size());
    return true;
  });
}

std::string fresh_secret(const Rule& rule, const std::string& example, size_t offset, const std::string& secret,
                         std::mt19937_64& rng) {
  std::vector<std::string> alpha = alphabets(rule, secret);
  std::string before = example.substr(0, offset), after = example.substr(offset + secret.size());
  auto captured = [&](const std::string& s) { return regex_captures(rule, before + s + after, offset, s.size()); };
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string s = secret;
    if (attempt < 4) {
      // Every free character at once: the common case (a prefix and a random body).
      for (size_t i = 0; i < s.size(); ++i)
        if (!alpha[i].empty()) s[i] = pick_char(alpha[i], rng);
    } else {
      // One character at a time, each change kept only if the regex still captures the secret:
      // literal parts inside the secret (a host name, a fixed segment) stay as they are.
      for (size_t i = 0; i < s.size(); ++i) {
        if (alpha[i].empty()) continue;
        for (int t = 0; t < 4; ++t) {
          char old = s[i];
          s[i] = pick_char(alpha[i], rng);
          if (captured(s)) break;
          s[i] = old;
        }
      }
    }
    s = apply_checksum(rule, s);
    if (s == secret || !captured(s)) continue;
    if (!rule.checksum.empty() && !keyhound::verify_checksum(rule.checksum, s)) continue;
    if (keyhound::shannon_entropy(s) < rule.min_entropy) continue;
    if (keyhound::is_placeholder(s) || keyhound::is_documentation_example(s)) continue;
    return s;
  }
  return "";
}

keyhound::RuleSet corpus_rules() {
  std::vector<Rule> rules = keyhound::load_builtin_rules();
  for (auto& r : rules)
    if (!r.re) keyhound::compile_rule_regexes(r);
  return keyhound::make_rule_set(std::move(rules));
}

Corpus generate_provider_corpus(const std::string& root, uint64_t seed, int keys_per_example) {
  Corpus c;
  std::mt19937_64 rng(seed);
  keyhound::RuleSet rs = corpus_rules();
  // provider dir -> format -> entries (with their label or look-alike record)
  struct Planned {
    Entry entry;
    bool lookalike = false;
    Label label;
    Lookalike la;
  };
  std::map<std::string, std::map<std::string, std::vector<Planned>>> files;  // dir -> file name -> spots
  std::map<std::string, std::string> file_format;
  size_t max_context = 0;
  for (const Rule& r : rs.rules) max_context = std::max<size_t>(max_context, r.context_lines);

  for (const Rule& rule : rs.rules) {
    // Rules whose only evidence is their file's name (.pgpass, WinSCP.ini) need that name, which
    // these mixed files do not have: tests/e2e/credentials_test.cpp plants them in their files.
    bool file_only = !rule.evidence_files.empty() && rule.context_line.empty() && rule.context_nearby.empty();
    if (rule.family == "generic" || !rule.enabled || !rule.attach_to.empty() || file_only) {
      c.rules_skipped++;
      continue;
    }
    c.rules_used++;
    std::string dir = slug(rule.provider);
    auto plan = [&](const std::string& format, Planned p) {
      std::string name = file_name(format, p.lookalike);
      file_format[dir + "/" + name] = format;
      files[dir][name].push_back(std::move(p));
    };
    for (const std::string& ex : rule.examples) {
      // The example's secret: the first capture, as the engine would take it.
      size_t soff = std::string::npos, slen = 0;
      for_each_secret(rule, ex, [&](const re2::StringPiece& sec, const re2::StringPiece&) {
        soff = sec.data() - ex.data();
        slen = sec.size();
        return true;
      });
      if (soff == std::string::npos) {
        c.notes.push_back(rule.id + ": no secret captured in example " + ex.substr(0, 60));
        continue;
      }
      std::string orig = ex.substr(soff, slen);
      for (int k = 0; k < keys_per_example; ++k) {
        std::string s = fresh_secret(rule, ex, soff, orig, rng);
        if (s.empty()) {
          c.shape_fallbacks++;
          c.notes.push_back(rule.id + ": no fresh secret of the shape of " + orig.substr(0, 24) + "...");
          continue;
        }
        std::string line = ex.substr(0, soff) + s + ex.substr(soff + slen);
        // Formats that hold the key such that the rule's own regex (and context) still sees it.
        std::vector<std::pair<std::string, Entry>> ok;
        for (auto& fmt : kFormats) {
          Entry e;
          if (render(fmt, rule, line, soff, s.size(), &e) && valid_entry(rule, e)) ok.push_back({fmt, e});
        }
        if (ok.empty()) {
          c.notes.push_back(rule.id + ": no format holds the example " + ex.substr(0, 60));
          continue;
        }
        auto& [fmt, e] = ok[rng() % ok.size()];
        Planned p;
        p.entry = e;
        p.label = Label{rule.provider, rule.id, s, "", 0, fmt, ""};
        regex_captures(rule, e.text, e.off, e.len, &p.label.match);
        plan(fmt, p);
        if (k != 0) continue;
        // Look-alikes made from this key, in the same format: truncated by two characters,
        // truncated and embedded in a longer alphanumeric run, and a placeholder.
        std::vector<std::string> alpha = alphabets(rule, s);
        std::string alnum = kDigits + kLower + kUpper;
        std::string trunc = s.substr(0, s.size() - 2);
        std::string embedded;
        for (int i = 0; i < 3; ++i) embedded += pick_char(alnum, rng);
        embedded += trunc;
        for (int i = 0; i < 5; ++i) embedded += pick_char(alnum, rng);
        std::string placeholder = s;
        for (size_t i = 0; i < s.size(); ++i)
          if (!alpha[i].empty()) placeholder[i] = 'X';
        for (auto& [kind, m] : std::vector<std::pair<std::string, std::string>>{
                 {"truncated", trunc}, {"embedded", embedded}, {"placeholder", placeholder}}) {
          if (s.size() < 8) continue;
          std::string mline = ex.substr(0, soff) + m + ex.substr(soff + slen);
          Entry me;
          if (!render(fmt, rule, mline, soff, m.size(), &me)) continue;
          if (kind != "placeholder" && regex_matches_anywhere(rule, me.text)) {
            c.mutations_skipped++;  // still a valid shape for the rule: no look-alike
            continue;
          }
          // The example's other credentials (an AWS secret next to the key ID, a URL around a
          // token) are still keys once the planted one is mutated.
          if (auto other = keys_for_other_rules(rs, rule, me.text); !other.empty()) {
            c.mutations_skipped++;
            continue;
          }
          Planned q;
          q.entry = me;
          q.lookalike = true;
          q.la = Lookalike{rule.provider, rule.id, kind, "", 0};
          plan(fmt, q);
        }
      }
    }
    // Negative examples, verbatim, in plain text or Markdown.
    for (const std::string& neg : rule.negative_examples) {
      if (auto other = keys_for_other_rules(rs, rule, neg); !other.empty()) {
        c.negatives_of_other_formats.push_back(rule.id + " negative holds " + other[0]);
        continue;
      }
      Planned q;
      std::string fmt = (rng() % 2) ? "text" : "markdown";
      q.entry.text = fmt == "markdown" ? "```\n" + neg + "\n```" : neg;
      q.entry.off = fmt == "markdown" ? 4 : 0;
      q.lookalike = true;
      q.la = Lookalike{rule.provider, rule.id, "negative-example", "", 0};
      plan(fmt, q);
    }
  }

  for (auto& [dir, byname] : files) {
    for (auto& [name, spots] : byname) {
      // Shuffle so a file mixes rules; labels follow their spots.
      std::shuffle(spots.begin(), spots.end(), rng);
      std::string rel = dir + "/" + name;
      std::vector<Entry> entries;
      for (auto& p : spots) entries.push_back(p.entry);
      // Look-alikes lie further apart than any rule's context_lines, so one look-alike's
      // provider name cannot serve as another's context evidence.
      bool lookalikes = !spots.empty() && spots[0].lookalike;
      std::vector<uint64_t> lines =
          write_entries(root + "/" + rel, file_format[rel], entries, lookalikes ? max_context + 1 : 1, rng);
      for (size_t i = 0; i < spots.size(); ++i) {
        if (spots[i].lookalike) {
          Lookalike la = spots[i].la;
          la.file = rel;
          la.line = lines[i];
          c.lookalikes.push_back(la);
        } else {
          Label l = spots[i].label;
          l.file = rel;
          l.line = lines[i];
          c.labels.push_back(l);
        }
      }
      c.file_provider[rel] = spots.empty() ? dir : (spots[0].lookalike ? spots[0].la.provider : spots[0].label.provider);
    }
  }
  return c;
}

}  // namespace provider_corpus
