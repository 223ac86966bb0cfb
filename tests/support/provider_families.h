// A labelled corpus of provider tokens written from the providers' documented layouts (prefix,
// length, alphabet, checksum, embedded JSON), not from keyhound's rules: each family's tokens are
// planted in the places real projects keep them (.env, Compose, Kubernetes, Helm, CI files,
// Terraform, SDK constructor calls in several languages, logs, name/value lists, XML, CSV), each
// in its own file, next to files of look-alikes per family (truncated tokens, a wrong checksum,
// the prefix in the wrong case, hashes and UUIDs beside the provider's name, placeholders,
// identifiers, documentation examples). Generated from a seed at run time.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace provider_families {

struct Label {
  std::string family;
  std::string form;   // env, k8s-secret, sdk-python, ...
  std::string token;  // what a finding's secret must equal or overlap
  std::string file;   // relative to the corpus root
  uint64_t line = 0;  // 1-based line where the token starts
  std::string encoded;  // the token as written when it is inside an encoding (docker config auth)
};

struct Lookalike {
  std::string family;
  std::string kind;  // truncated, wrong-checksum, prefix-case, hash, uuid, placeholder, identifier, doc-example
  std::string file;  // nothing in this file may be reported
};

struct Corpus {
  std::vector<Label> labels;
  std::vector<Lookalike> lookalikes;
  std::map<std::string, std::string> file_family;  // every file written -> family
};

// Every family's name, in order.
std::vector<std::string> family_names();

// One token of `family` (a name from family_names()) as its generator writes it; the same
// seed gives the same token. Other corpora (encoded forms) plant these.
std::string sample_token(const std::string& family, uint64_t seed);

// GitHub's and npm's token checksum: CRC32 of the 30 random characters in 6 base62 digits
// (github.blog 2021-04-05 "Behind GitHub's new authentication token formats").
std::string github_crc32_suffix(const std::string& body30);

// Writes the corpus under `root`; `forms_per_family` files of planted tokens per family (at
// least 3), plus one file per applicable look-alike kind. The same seed gives the same tree.
Corpus generate(const std::string& root, uint64_t seed, int forms_per_family = 8);

// `doc_examples` are published documentation keys (each rule's doc_examples), planted as
// look-alikes of kind doc-example in the family whose token prefix they start with.
void plant_doc_examples(Corpus& c, const std::string& root, const std::vector<std::string>& doc_examples);

}  // namespace provider_families
