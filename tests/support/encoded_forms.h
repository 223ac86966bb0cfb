// A labelled corpus of keys in disguise, written the way real tools and projects write encoded
// values (kubectl's Secret data, docker login's config.json, Helm values, CI logs, MIME mail,
// JSON and JavaScript string escapes, percent-encoded URLs, JWT-like segments, XML, UTF-16 files
// from PowerShell and regedit, HTML/XML character references, hex dumps, double encodings), with
// look-alikes for each form (base64 of binary, of documentation keys, of certificates, hashes,
// random base64 holding "AKIA", UTF-16 and entity-laden text with no key). Generated from a seed
// at run time; no key is written in the source.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace encoded_forms {

struct Label {
  std::string form;
  std::string token;  // what a finding's secret (or a part's secret) must hold
  std::string alt;    // the token as written, also accepted ("" = none): an encoded password
  std::string file;   // relative to the corpus root
};

struct Lookalike {
  std::string form;
  std::string kind;  // binary, doc-example, akia-random, certificate, hash, plain-text, ...
  std::string file;  // nothing in this file may be reported
};

struct Corpus {
  std::vector<Label> labels;
  std::vector<Lookalike> lookalikes;
};

// Every form's name, in order.
std::vector<std::string> form_names();

// Writes the corpus under `root`: `per_form` files of planted keys per form (providers in turn),
// and look-alike files beside them. The same seed gives the same tree.
Corpus generate(const std::string& root, uint64_t seed, int per_form = 6);

// UTF-16 of ASCII/Latin-1 text, little or big endian, with or without a byte-order mark.
std::string utf16(const std::string& text, bool big_endian, bool bom);

}  // namespace encoded_forms
