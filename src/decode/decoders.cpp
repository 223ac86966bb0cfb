#include "decode/decoders.h"

#include <cstdint>

namespace keyhound {

namespace {

// 0-63 per alphabet, -1 outside it.
struct Base64Table {
  int8_t std_[256], url_[256];
  Base64Table() {
    const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < 256; ++i) std_[i] = url_[i] = -1;
    for (int i = 0; i < 62; ++i) std_[static_cast<uint8_t>(a[i])] = url_[static_cast<uint8_t>(a[i])] = i;
    std_['+'] = 62, std_['/'] = 63, url_['-'] = 62, url_['_'] = 63;
  }
};
const Base64Table kB64;

int hexv(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void put_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Four hex digits at s[i..i+4), or -1.
long hex4(std::string_view s, size_t i) {
  if (i + 4 > s.size()) return -1;
  long v = 0;
  for (size_t k = 0; k < 4; ++k) {
    int d = hexv(s[i + k]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

}  // namespace

const char* encoding_word(Encoding e) {
  switch (e) {
    case Encoding::Base64: return "base64";
    case Encoding::Base64Url: return "base64url";
    case Encoding::Percent: return "percent";
    case Encoding::Escape: return "escape";
    case Encoding::Html: return "html";
    case Encoding::Utf16Le: return "utf16le";
    case Encoding::Utf16Be: return "utf16be";
    case Encoding::Hex: return "hex";
  }
  return "base64";
}

bool base64_decode(std::string_view in, bool url_safe, std::string& out) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return false;
  const int8_t* t = url_safe ? kB64.url_ : kB64.std_;
  out.clear();
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int8_t v = t[static_cast<uint8_t>(c)];
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return true;
}

bool percent_unescape(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  bool any = false;
  for (size_t i = 0; i < in.size(); ++i) {
    int hi, lo;
    if (in[i] == '%' && i + 2 < in.size() && (hi = hexv(in[i + 1])) >= 0 && (lo = hexv(in[i + 2])) >= 0) {
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
      any = true;
    } else {
      out += in[i];
    }
  }
  return any;
}

bool string_unescape(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  bool any = false;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\' || i + 1 >= in.size()) {
      out += in[i];
      continue;
    }
    char c = in[++i];
    any = true;
    switch (c) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        long cp = hex4(in, i + 1);
        if (cp < 0) {
          out += 'u';
          break;
        }
        i += 4;
        // A high surrogate followed by \uDC00-\uDFFF is one code point.
        if (cp >= 0xD800 && cp < 0xDC00 && i + 2 < in.size() && in[i + 1] == '\\' && in[i + 2] == 'u') {
          long lo = hex4(in, i + 3);
          if (lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        put_utf8(static_cast<uint32_t>(cp), out);
        break;
      }
      case 'x': {
        int hi = i + 1 < in.size() ? hexv(in[i + 1]) : -1, lo = i + 2 < in.size() ? hexv(in[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
          out += 'x';
          break;
        }
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default: out += c;  // \/ \\ \" \' and anything unknown: the character itself
    }
  }
  return any;
}

bool hex_decode(std::string_view in, std::string& out) {
  if (in.size() % 2) return false;
  out.resize(in.size() / 2);
  for (size_t k = 0; k < out.size(); ++k) {
    int hi = hexv(in[2 * k]), lo = hexv(in[2 * k + 1]);
    if (hi < 0 || lo < 0) return false;
    out[k] = static_cast<char>(hi * 16 + lo);
  }
  return true;
}

bool html_unescape(std::string_view in, std::string& out) {
  // The named references a key, a URL or a JSON value needs; &nbsp; is a space to a reader.
  static const struct { const char* name; char c; } kNamed[] = {
      {"quot", '"'}, {"amp", '&'}, {"apos", '\''}, {"lt", '<'}, {"gt", '>'}, {"sol", '/'}, {"colon", ':'},
      {"equals", '='}, {"plus", '+'}, {"percnt", '%'}, {"num", '#'}, {"excl", '!'}, {"quest", '?'},
      {"lowbar", '_'}, {"period", '.'}, {"comma", ','}, {"semi", ';'}, {"commat", '@'}, {"dollar", '$'},
      {"lpar", '('}, {"rpar", ')'}, {"lsqb", '['}, {"rsqb", ']'}, {"lcub", '{'}, {"rcub", '}'}, {"bsol", '\\'},
      {"Hat", '^'}, {"grave", '`'}, {"verbar", '|'}, {"tilde", '~'}, {"ast", '*'}, {"nbsp", ' '}};
  out.clear();
  out.reserve(in.size());
  bool any = false;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '&') {
      out += in[i];
      continue;
    }
    size_t semi = in.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 10 || semi == i + 1) {
      out += in[i];
      continue;
    }
    std::string_view name = in.substr(i + 1, semi - i - 1);
    long cp = -1;
    if (name[0] == '#') {
      bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      size_t k = hex ? 2 : 1;
      if (k < name.size()) cp = 0;
      for (; k < name.size() && cp >= 0; ++k) {
        int d = hex ? hexv(name[k]) : (name[k] >= '0' && name[k] <= '9' ? name[k] - '0' : -1);
        cp = d < 0 || cp > 0x10FFFF ? -1 : cp * (hex ? 16 : 10) + d;
      }
      if (cp > 0x10FFFF || cp == 0 || (cp >= 0xD800 && cp < 0xE000)) cp = -1;
    } else {
      for (auto& n : kNamed)
        if (name == n.name) cp = static_cast<unsigned char>(n.c);
    }
    if (cp < 0) {
      out += in[i];
      continue;
    }
    put_utf8(static_cast<uint32_t>(cp), out);
    i = semi;
    any = true;
  }
  return any;
}

void utf16_to_bytes(std::string_view in, bool be, std::string& out) {
  out.resize(in.size() / 2);
  for (size_t k = 0; k < out.size(); ++k) {
    uint8_t lo = static_cast<uint8_t>(in[2 * k + (be ? 1 : 0)]), hi = static_cast<uint8_t>(in[2 * k + (be ? 0 : 1)]);
    out[k] = hi == 0 && lo != 0 && lo < 0x80 ? static_cast<char>(lo) : '?';
  }
}

bool looks_like_text(std::string_view b) {
  if (b.empty()) return false;
  size_t bad = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    uint8_t c = static_cast<uint8_t>(b[i]);
    if (c == 0) return false;
    if (c >= 0x20 && c < 0x7F) continue;
    if (c == '\n' || c == '\r' || c == '\t') continue;
    if (c >= 0xC2 && c <= 0xF4) {  // a UTF-8 lead byte with its continuation bytes
      size_t n = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3, k = 1;
      while (k <= n && i + k < b.size() && (static_cast<uint8_t>(b[i + k]) & 0xC0) == 0x80) ++k;
      if (k == n + 1) {
        i += n;
        continue;
      }
    }
    ++bad;
  }
  return bad * 20 <= b.size();
}

}  // namespace keyhound
