#include "bench_corpus.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;

namespace keyhound::bench {

namespace {
std::string generated_code(size_t bytes, unsigned seed) {
  static const char* lines[] = {
      "    for (size_t i = 0; i < count; ++i) total += values[i] * weight;\n",
      "def handle_request(self, request, *args, **kwargs):\n",
      "        return self.session.get(url, params=params, timeout=30)\n",
      "const config = require('./config'); // load settings\n",
      "import { useState, useEffect } from 'react';\n",
      "  if err != nil {\n\t\treturn nil, fmt.Errorf(\"open %s: %w\", path, err)\n\t}\n",
      "public static final String DEFAULT_REGION = \"eu-west-1\";\n",
      "    logger.info(\"Processing batch %d of %d\", batch, total)\n",
      "  \"dependencies\": { \"lodash\": \"^4.17.21\", \"express\": \"^4.18.2\" },\n",
      "# Copyright (c) the authors. Licensed under the Apache License, Version 2.0.\n",
      "SELECT id, name, created_at FROM users WHERE active = 1 ORDER BY id;\n",
      "      - name: Install dependencies\n        run: npm ci\n",
  };
  std::mt19937 rng(seed);
  std::string s;
  s.reserve(bytes + 256);
  while (s.size() < bytes) s += lines[rng() % (sizeof lines / sizeof *lines)];
  s.resize(bytes);
  return s;
}
}  // namespace

std::string realistic_source(size_t bytes) {
  std::vector<fs::path> files;
  for (const char* root : {"/usr/include", "/usr/lib/python3/dist-packages"}) {
    std::error_code ec;
    if (!fs::exists(root, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      auto ext = it->path().extension();
      if (it->is_regular_file(ec) && (ext == ".h" || ext == ".py" || ext == ".hpp")) files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  std::string s;
  s.reserve(bytes + 65536);
  for (auto& f : files) {
    if (s.size() >= bytes) break;
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    s += ss.str();
  }
  if (s.size() < bytes) s += generated_code(bytes - s.size(), 1);
  // Repeat what we have if the machine's files are fewer than asked.
  s.resize(bytes);
  return s;
}

std::string near_miss_text(size_t bytes, unsigned seed) {
  std::mt19937 rng(seed);
  auto pick = [&](const char* alpha, size_t n) {
    std::string a(alpha), o;
    for (size_t i = 0; i < n; ++i) o += a[rng() % a.size()];
    return o;
  };
  const char* hex = "0123456789abcdef";
  const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s;
  s.reserve(bytes + 512);
  while (s.size() < bytes) {
    switch (rng() % 8) {
      case 0: s += "commit " + pick(hex, 40) + " fixes the secret_key lookup\n"; break;
      case 1: s += "<script integrity=\"sha384-" + pick(b64, 64) + "\"></script>\n"; break;
      case 2: s += "aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}  # from the environment\n"; break;
      case 3: s += "\"UserId\": \"AIDA" + pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16) + "\",\n"; break;
      case 4: s += "timezone = \"Asia/Tokyo\"  # asia region, akia not a key\n"; break;
      case 5: s += "id = \"" + pick(hex, 8) + "-" + pick(hex, 4) + "-" + pick(hex, 4) + "-" + pick(hex, 12) + "\"\n"; break;
      case 6: s += "data:image/png;base64," + pick(b64, 200) + "\n"; break;
      default: s += "AKIAXXXXXXXXXXXXXXXX is a placeholder; token = \"<TOKEN>\"\n"; break;
    }
  }
  s.resize(bytes);
  return s;
}

std::string random_bytes(size_t bytes, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::string s(bytes, '\0');
  for (size_t i = 0; i + 8 <= bytes; i += 8) {
    uint64_t v = rng();
    std::memcpy(&s[i], &v, 8);
  }
  return s;
}

}  // namespace keyhound::bench
