// The decode layer: each decoder, the cheap region finder against a plain reference, and the
// decoding stage on a real engine (location, chain, one finding per secret, depth).
#include <gtest/gtest.h>

#include <random>
#include <regex>

#include "base/hex.h"
#include "decode/decode_scan.h"
#include "decode/decoders.h"
#include "decode/regions.h"
#include "engine/database.h"
#include "rules/rule_loader.h"

using namespace keyhound;

namespace {

std::string b64(std::string_view s, bool url = false, bool pad = true) {
  const char* a = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                      : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v = (uint8_t(s[i]) << 16) | (uint8_t(s[i + 1]) << 8) | uint8_t(s[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += a[(v >> k) & 63];
  }
  if (i + 1 == s.size()) {
    uint32_t v = uint8_t(s[i]) << 16;
    out += a[v >> 18], out += a[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (i + 2 == s.size()) {
    uint32_t v = (uint8_t(s[i]) << 16) | (uint8_t(s[i + 1]) << 8);
    out += a[v >> 18], out += a[(v >> 12) & 63], out += a[(v >> 6) & 63];
    if (pad) out += "=";
  }
  return out;
}

// A token rule whose keyword is its prefix, built at run time (no key literal in the repo).
RuleSet token_rules() {
  auto rules = parse_rule_file(
      "provider = \"t\"\n[[rule]]\nid = \"t-token\"\nname = \"n\"\nkeywords = ['zqk_']\n"
      "regex = '''\\b(zqk_[A-Za-z0-9]{24})\\b'''\nmin_entropy = 3.0\n",
      "t.toml");
  return make_rule_set(std::move(rules));
}

std::string token(unsigned seed) {
  std::mt19937 rng(seed);
  const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string t = "zqk_";
  for (int i = 0; i < 24; ++i) t += a[rng() % 62];
  return t;
}

struct Engine {
  RuleSet rs = token_rules();
  Database db{rs, ""};
  Scanner sc{rs, db};
  Scratch scratch{db};
  std::vector<Finding> scan(const std::string& data, int depth = 2) {
    std::vector<Finding> f = sc.scan_block(data, scratch);
    DecodeOptions o;
    o.depth = depth;
    add_decoded_findings(sc, scratch, data, o, f);
    return f;
  }
};

}  // namespace

TEST(Decoders, Base64BothAlphabetsPaddedOrNot) {
  std::string out;
  const std::string text = "user:p4ss?w>rd~~";  // bytes that give '+' '/' ('-' '_') symbols
  for (bool url : {false, true})
    for (bool pad : {false, true})
      for (size_t len = 1; len <= text.size(); ++len) {
        ASSERT_TRUE(base64_decode(b64(text.substr(0, len), url, pad), url, out)) << url << pad << len;
        EXPECT_EQ(out, text.substr(0, len));
      }
  EXPECT_FALSE(base64_decode("abcde", false, out));       // 4n+1 symbols
  EXPECT_FALSE(base64_decode("ab-d", false, out));        // URL symbol in a standard run
  EXPECT_FALSE(base64_decode("ab+d", true, out));
  EXPECT_FALSE(base64_decode("ab=d", false, out));        // padding in the middle
}

TEST(Decoders, PercentAndStringEscapes) {
  std::string out;
  EXPECT_TRUE(percent_unescape("a%2Fb%2bc%zz%4", out));
  EXPECT_EQ(out, "a/b+c%zz%4");
  EXPECT_FALSE(percent_unescape("plain", out));
  EXPECT_TRUE(string_unescape(R"(a\/b\u002Fc\n\"d\\e\x41\ud83d\ude00\u12)", out));
  EXPECT_EQ(out, "a/b/c\n\"d\\eA\xF0\x9F\x98\x80u12");
  EXPECT_FALSE(string_unescape("none", out));
}

TEST(Decoders, TextOrNot) {
  EXPECT_TRUE(looks_like_text("key: value\n\tnext line"));
  EXPECT_TRUE(looks_like_text("caf\xC3\xA9 na\xC3\xAFve"));
  EXPECT_FALSE(looks_like_text(std::string("ab\0cd", 5)));
  std::mt19937 rng(7);
  int passed = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string r;
    for (int k = 0; k < 16; ++k) r += char(rng());
    passed += looks_like_text(r);
  }
  EXPECT_EQ(passed, 0);  // random bytes (an image, a hash) never read as text
}

TEST(Decoders, CharacterReferencesHexAndUtf16) {
  std::string out;
  EXPECT_TRUE(html_unescape("https:&#x2F;&#47;h&sol;a?x=1&amp;y=&quot;z&quot;&#61;", out));
  EXPECT_EQ(out, "https://h/a?x=1&y=\"z\"=");
  EXPECT_FALSE(html_unescape("a && b &x; &#; &#xZZ; &unknown;", out));
  EXPECT_EQ(out, "a && b &x; &#; &#xZZ; &unknown;");
  EXPECT_TRUE(hex_decode("68656C6c6f", out));
  EXPECT_EQ(out, "hello");
  EXPECT_FALSE(hex_decode("686", out));
  EXPECT_FALSE(hex_decode("68zz", out));
  std::string le = std::string("\xFF\xFE") + std::string("k\0e\0y\0=\0\xE9\0v\0", 12);
  utf16_to_bytes(std::string_view(le).substr(2), false, out);
  EXPECT_EQ(out, "key=?v");
}

TEST(Regions, Utf16RunsAndWrappedBase64) {
  std::string text = "aws_access_key_id = value-of-the-key\n";
  std::string le, be;
  for (char c : text) le += c, le += '\0', be += '\0', be += c;
  std::string data = std::string(40, '\0') + "\x01\x02" + le + std::string(7, '\0') + be;
  auto runs = find_utf16_runs(data);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].start, 42u);
  EXPECT_EQ(runs[0].end - runs[0].start, le.size());
  EXPECT_EQ(runs[0].encoding, Encoding::Utf16Le);
  EXPECT_EQ(runs[1].encoding, Encoding::Utf16Be);
  EXPECT_EQ(runs[1].end, data.size());
  EXPECT_TRUE(find_utf16_runs(std::string(1000, '\0') + "plain text, no UTF-16").empty());

  // MIME: 76 columns, CRLF, a short last line; one region, decoded whole.
  std::string plain;
  for (int i = 0; i < 12; ++i) plain += "line " + std::to_string(i) + " of a wrapped attachment\n";
  std::string b64 = base64_encode(plain), wrapped;
  for (size_t i = 0; i < b64.size(); i += 76) wrapped += b64.substr(i, 76) + "\r\n";
  auto regions = find_encoded_regions("Content-Transfer-Encoding: base64\r\n\r\n" + wrapped + "--b1--\r\n");
  ASSERT_EQ(regions.size(), 1u);
  std::string doc = "Content-Transfer-Encoding: base64\r\n\r\n" + wrapped, out;
  ASSERT_TRUE(decode_region(std::string_view(doc).substr(regions[0].start, regions[0].end - regions[0].start),
                            regions[0].encoding, out));
  EXPECT_EQ(out, plain);
}

TEST(Regions, FindsEachKindAndOnlyWhereItLooksEncoded) {
  std::string enc = b64("aws_secret_access_key = abcdefghijklmnop");
  std::string data = "x: " + enc + "\nurl=https://h.example/?k=a%2Fb%2Bcdefghijk\n"
                     "{\"k\": \"abc\\/defghijklmnop\"}\n"
                     "printf(\"%02x %s\\n\", v);  /usr/include/x86_64-linux-gnu/sys/types.h "
                     "snake_case_identifier_that_is_long ThisIsACamelCaseIdentifierName\n";
  auto rs = find_encoded_regions(data);
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(data.substr(rs[0].start, rs[0].end - rs[0].start), enc);
  EXPECT_EQ(rs[0].encoding, Encoding::Base64);
  EXPECT_EQ(rs[1].encoding, Encoding::Percent);
  EXPECT_EQ(rs[2].encoding, Encoding::Escape);
  EXPECT_EQ(data.substr(rs[2].start, rs[2].end - rs[2].start), "abc\\/defghijklmnop");
}

// The 64-byte window pass finds exactly the runs a plain regex finds, wherever they sit
// relative to window edges.
TEST(Regions, Base64RunsMatchAPlainReference) {
  std::mt19937 rng(11);
  int underscored = 0, underscored_found = 0;
  const std::string filler = " \n;:.,(){}=\"";
  for (int iter = 0; iter < 300; ++iter) {
    std::string data;
    std::vector<std::string> encs;
    while (data.size() < 2000) {
      if (rng() % 3 == 0) {
        std::string t;
        size_t len = 15 + rng() % 60;
        for (size_t k = 0; k < len; ++k) t += char('!' + rng() % 90);
        encs.push_back(b64(t, rng() % 2, rng() % 2));
        data += encs.back();
      } else {
        for (int k = rng() % 40; k >= 0; --k) data += rng() % 4 ? char('a' + rng() % 26) : filler[rng() % filler.size()];
      }
      data += filler[rng() % filler.size()];
    }
    auto rs = find_encoded_regions(data);
    std::vector<std::string> found;
    for (auto& r : rs)
      if (r.encoding == Encoding::Base64 || r.encoding == Encoding::Base64Url)
        found.push_back(data.substr(r.start, r.end - r.start));
    for (auto& e : encs) {
      if (e.size() < 20) continue;
      bool hit = false;
      for (auto& f : found) hit = hit || f.find(e) != std::string::npos;
      // A run glued to a letter on either side is one longer run: it still holds the encoding.
      if (e.find('_') == std::string::npos) {
        EXPECT_TRUE(hit) << "iteration " << iter << ": missed " << e;
      } else {
        underscored++;
        underscored_found += hit;
      }
    }
  }
  // A URL-safe run is found by a piece between its '_' of 20 symbols or more, then grown over
  // them ('_' itself would make every snake_case name a run): most are still found.
  EXPECT_GT(underscored, 100);
  EXPECT_GE(underscored_found * 10, underscored * 8) << underscored_found << " of " << underscored;
}

TEST(DecodeScan, FindsEncodedSecretsAtTheEncodedSpan) {
  Engine e;
  const std::string t = token(1);
  std::string enc = b64("token: " + t);
  std::string data = "line one\nsecret: " + enc + "\n";
  auto fs = e.scan(data);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].secret, t);
  EXPECT_EQ(fs[0].offset, data.find(enc));
  EXPECT_EQ(fs[0].line, 2u);
  EXPECT_EQ(fs[0].column, 9u);
  EXPECT_EQ(fs[0].decoded, std::vector<std::string>{"base64"});
  // Off: nothing.
  EXPECT_TRUE(e.scan(data, 0).empty());
  // Percent, escapes, URL-safe base64.
  fs = e.scan("u=https://h.example/x?a=" + t.substr(0, 3) + "%5f" + t.substr(4) + "&b=1\n");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].secret, t);
  EXPECT_EQ(fs[0].decoded, std::vector<std::string>{"percent"});
  std::string esc = "{\"k\": \"" + t.substr(0, 3) + "\\u005f" + t.substr(4) + "\"}";
  auto fe = e.scan(esc);
  ASSERT_EQ(fe.size(), 1u);
  EXPECT_EQ(fe[0].secret, t);
  EXPECT_EQ(fe[0].decoded, std::vector<std::string>{"escape"});
  auto fu = e.scan("v=" + b64(std::string("\xff\0 ", 3) + t + " ok", true, false) + "\n");
  ASSERT_EQ(fu.size(), 0u);  // not text (a NUL): never scanned
  fu = e.scan("v=" + b64("t>?" + t + "??>", true, false) + "\n");
  ASSERT_EQ(fu.size(), 1u);
  EXPECT_EQ(fu[0].decoded, std::vector<std::string>{"base64url"});
}

TEST(DecodeScan, OneFindingWhenAlsoPlainAndChainsToDepth) {
  Engine e;
  const std::string t = token(2);
  // The same secret written plainly and base64-encoded in one item: the plain one only.
  auto fs = e.scan("a = " + t + "\nb = " + b64(t) + "\n");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_TRUE(fs[0].decoded.empty());
  // base64 of JSON with an escape inside: two decoders, found at depth 2, not at depth 1.
  std::string json = "{\"auth\": \"" + t.substr(0, 3) + "\\u005f" + t.substr(4) + "\"}";
  std::string data = "data: " + b64(json) + "\n";
  fs = e.scan(data, 2);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].secret, t);
  EXPECT_EQ(fs[0].decoded, (std::vector<std::string>{"base64", "escape"}));
  EXPECT_TRUE(e.scan(data, 1).empty());
}

// The AVX2 pass passes over 128-byte blocks without four whole 4-byte groups of symbols in a
// row: it finds exactly what the window-by-window pass finds, runs of every length near the
// bound at every offset against the block edges, between specials and snake_case names.
TEST(Regions, BlockPassFindsWhatTheWindowPassFinds) {
  std::mt19937 rng(21);
  const std::string alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-";
  const std::vector<std::string> pieces = {" ", "\n", "%2F", "\\u002F", "\\/", "snake_case_name", "_", ".", "=", "%", "\\"};
  size_t regions = 0;
  for (int iter = 0; iter < 400; ++iter) {
    std::string data;
    size_t target = 200 + rng() % 3000;
    while (data.size() < target) {
      if (rng() % 2) {
        std::string run;
        size_t len = 12 + rng() % 30;
        std::string t;
        for (size_t k = 0; k < len; ++k) t += char(' ' + rng() % 95);
        run = rng() % 3 ? b64(t, rng() % 2, rng() % 2) : std::string();
        for (size_t k = run.empty() ? len : 0; k > 0; --k) run += alpha[rng() % (rng() % 4 ? 62 : alpha.size())];
        data += run;
      }
      data += pieces[rng() % pieces.size()];
    }
    auto fast = find_encoded_regions(data), portable = find_encoded_regions_portable(data);
    ASSERT_EQ(fast.size(), portable.size()) << "iteration " << iter;
    for (size_t k = 0; k < fast.size(); ++k) {
      EXPECT_EQ(fast[k].start, portable[k].start) << "iteration " << iter;
      EXPECT_EQ(fast[k].end, portable[k].end) << "iteration " << iter;
      EXPECT_EQ(fast[k].encoding, portable[k].encoding) << "iteration " << iter;
    }
    regions += fast.size();
  }
  EXPECT_GT(regions, 2000u);
}
