#include "archive_build.h"

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace e2e {

namespace {
void put(std::string& s, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}
std::string deflate_raw(const std::string& data, int flush_mode, bool finish) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2");
  std::string out(compressBound(data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = data.size();
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = out.size();
  deflate(&z, finish ? Z_FINISH : flush_mode);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}
}  // namespace

std::string tar_entry(const std::string& name, const std::string& data, char type, const std::string& link) {
  std::string h(512, '\0');
  std::memcpy(&h[0], name.data(), std::min<size_t>(name.size(), 100));
  std::snprintf(&h[100], 8, "%07o", 0644);
  std::snprintf(&h[108], 8, "%07o", 0);
  std::snprintf(&h[116], 8, "%07o", 0);
  std::snprintf(&h[124], 12, "%011llo", static_cast<unsigned long long>(type == '0' ? data.size() : 0));
  std::snprintf(&h[136], 12, "%011o", 0);
  h[156] = type;
  std::memcpy(&h[157], link.data(), std::min<size_t>(link.size(), 100));
  std::memcpy(&h[257], "ustar", 6);
  h[263] = '0', h[264] = '0';
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(&h[148], 8, "%06o", sum);
  h[155] = ' ';
  std::string out = h;
  if (type == '0') {
    out += data;
    out.append((512 - data.size() % 512) % 512, '\0');
  }
  return out;
}

std::string tar_end() { return std::string(1024, '\0'); }

std::string gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = data.size();
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = out.size();
  deflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

std::string zip(const std::vector<ZipMember>& members, bool zip64) {
  std::string out, cd;
  for (auto& m : members) {
    uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(m.data.data()), m.data.size());
    std::string body = m.deflated ? deflate_raw(m.data, Z_FINISH, true) : m.data;
    uint64_t off = out.size();
    int flags = (m.encrypted ? 1 : 0) | (m.descriptor ? 8 : 0), method = m.deflated ? 8 : 0;
    uint64_t small = zip64 ? 0xFFFFFFFF : 0;  // zip64: the 32-bit fields say "see the extra field"
    std::string extra;
    if (zip64) put(extra, 1, 2), put(extra, 24, 2), put(extra, m.data.size(), 8), put(extra, body.size(), 8), put(extra, off, 8);
    put(out, 0x04034b50, 4), put(out, zip64 ? 45 : 20, 2), put(out, flags, 2), put(out, method, 2), put(out, 0, 4);
    put(out, m.descriptor ? 0 : crc, 4);
    put(out, m.descriptor ? 0 : small ? small : body.size(), 4), put(out, m.descriptor ? 0 : small ? small : m.data.size(), 4);
    put(out, m.name.size(), 2), put(out, zip64 ? 20 : 0, 2);
    out += m.name;
    if (zip64) put(out, 1, 2), put(out, 16, 2), put(out, m.data.size(), 8), put(out, body.size(), 8);
    out += body;
    if (m.descriptor) put(out, 0x08074b50, 4), put(out, crc, 4), put(out, body.size(), 4), put(out, m.data.size(), 4);
    put(cd, 0x02014b50, 4), put(cd, (m.unix_mode ? 3 << 8 : 0) | (zip64 ? 45 : 20), 2), put(cd, zip64 ? 45 : 20, 2);
    put(cd, flags, 2), put(cd, method, 2), put(cd, 0, 4), put(cd, crc, 4);
    put(cd, small ? small : body.size(), 4), put(cd, small ? small : m.data.size(), 4);
    put(cd, m.name.size(), 2), put(cd, extra.size(), 2), put(cd, 0, 2), put(cd, 0, 2), put(cd, 0, 2);
    put(cd, static_cast<uint64_t>(m.unix_mode) << 16, 4), put(cd, small ? small : off, 4);
    cd += m.name + extra;
  }
  uint64_t cd_off = out.size();
  out += cd;
  if (zip64) {
    uint64_t rec = out.size();
    put(out, 0x06064b50, 4), put(out, 44, 8), put(out, 45, 2), put(out, 45, 2), put(out, 0, 4), put(out, 0, 4);
    put(out, members.size(), 8), put(out, members.size(), 8), put(out, cd.size(), 8), put(out, cd_off, 8);
    put(out, 0x07064b50, 4), put(out, 0, 4), put(out, rec, 8), put(out, 1, 4);
    put(out, 0x06054b50, 4), put(out, 0, 2), put(out, 0, 2), put(out, 0xFFFF, 2), put(out, 0xFFFF, 2);
    put(out, 0xFFFFFFFF, 4), put(out, 0xFFFFFFFF, 4), put(out, 0, 2);
    return out;
  }
  put(out, 0x06054b50, 4), put(out, 0, 2), put(out, 0, 2), put(out, members.size(), 2), put(out, members.size(), 2);
  put(out, cd.size(), 4), put(out, cd_off, 4), put(out, 0, 2);
  return out;
}

std::string seven_zip(const std::vector<ZipMember>& members) {
  // 7z writes its header at the end: the writer needs room for the whole archive.
  size_t room = 4096;
  for (auto& m : members) room += m.name.size() + m.data.size() * 2 + 512;
  std::string out(room, '\0');
  size_t used = 0;
  archive* a = archive_write_new();
  if (archive_write_set_format_7zip(a) != ARCHIVE_OK ||
      archive_write_set_format_option(a, "7zip", "compression", "lzma1") != ARCHIVE_OK ||
      archive_write_open_memory(a, out.data(), out.size(), &used) != ARCHIVE_OK)
    throw std::runtime_error(std::string("7z writer: ") + archive_error_string(a));
  for (auto& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(m.data.size()));
    if (archive_write_header(a, e) != ARCHIVE_OK ||
        archive_write_data(a, m.data.data(), m.data.size()) != static_cast<la_ssize_t>(m.data.size()))
      throw std::runtime_error(std::string("7z writer: ") + archive_error_string(a));
    archive_entry_free(e);
  }
  if (archive_write_close(a) != ARCHIVE_OK) throw std::runtime_error(std::string("7z writer: ") + archive_error_string(a));
  archive_write_free(a);
  out.resize(used);
  return out;
}

std::string zip_bomb(uint64_t chunks, int entries) {
  // After a full flush the deflater starts afresh, so a MiB of zeros compresses to the same
  // bytes every time: compress it once, repeat it, end with an empty final block.
  std::string mib(1 << 20, '\0');
  std::string block = deflate_raw(mib, Z_FULL_FLUSH, false);
  std::string data;
  data.reserve(block.size() * chunks + 16);
  for (uint64_t i = 0; i < chunks; ++i) data += block;
  data += deflate_raw("", Z_FINISH, true);
  uint64_t usize = chunks << 20, csize = data.size();
  uint32_t mib_crc = crc32(0, reinterpret_cast<const Bytef*>(mib.data()), mib.size()), crc = 0;
  for (uint64_t i = 0; i < chunks; ++i) crc = crc32_combine(crc, mib_crc, 1 << 20);
  const std::string name = "zeros.bin";
  std::string out;
  put(out, 0x04034b50, 4), put(out, 45, 2), put(out, 0, 2), put(out, 8, 2), put(out, 0, 4);
  put(out, crc, 4), put(out, 0xFFFFFFFF, 4), put(out, 0xFFFFFFFF, 4);
  put(out, name.size(), 2), put(out, 20, 2);
  out += name;
  put(out, 1, 2), put(out, 16, 2), put(out, usize, 8), put(out, csize, 8);
  out += data;
  std::string cd;
  for (int i = 0; i < entries; ++i) {
    std::string n = entries == 1 ? name : "zeros" + std::to_string(i) + ".bin";
    put(cd, 0x02014b50, 4), put(cd, 45, 2), put(cd, 45, 2), put(cd, 0, 2), put(cd, 8, 2), put(cd, 0, 4);
    put(cd, crc, 4), put(cd, 0xFFFFFFFF, 4), put(cd, 0xFFFFFFFF, 4);
    put(cd, n.size(), 2), put(cd, 28, 2), put(cd, 0, 2), put(cd, 0, 2), put(cd, 0, 2), put(cd, 0, 4);
    put(cd, 0xFFFFFFFF, 4);
    cd += n;
    put(cd, 1, 2), put(cd, 24, 2), put(cd, usize, 8), put(cd, csize, 8), put(cd, 0, 8);  // all at offset 0
  }
  uint64_t cd_off = out.size();
  out += cd;
  uint64_t z64 = out.size();
  put(out, 0x06064b50, 4), put(out, 44, 8), put(out, 45, 2), put(out, 45, 2), put(out, 0, 4), put(out, 0, 4);
  put(out, entries, 8), put(out, entries, 8), put(out, cd.size(), 8), put(out, cd_off, 8);
  put(out, 0x07064b50, 4), put(out, 0, 4), put(out, z64, 8), put(out, 1, 4);
  put(out, 0x06054b50, 4), put(out, 0, 2), put(out, 0, 2), put(out, 0xFFFF, 2), put(out, 0xFFFF, 2);
  put(out, 0xFFFFFFFF, 4), put(out, 0xFFFFFFFF, 4), put(out, 0, 2);
  return out;
}

}  // namespace e2e

namespace e2e {

namespace {
std::string json_list(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::string("\"") + v[i] + "\"";
  return s + "]";
}
// A fake digest: 64 hex digits from the bytes (not SHA-256: nothing checks it).
std::string fake_digest(const std::string& data, int salt) {
  uint32_t c = crc32(salt, reinterpret_cast<const Bytef*>(data.data()), data.size());
  char buf[65];
  for (int i = 0; i < 8; ++i) std::snprintf(buf + 8 * i, 9, "%08x", c * (i + 1) + salt);
  return std::string(buf, 64);
}
}  // namespace

std::string image_tarball(const std::vector<std::string>& layers, const std::vector<std::string>& env,
                          const std::vector<std::string>& cmd, bool oci) {
  std::vector<std::string> ids;
  std::string history;
  for (auto& e : env) history += std::string(history.empty() ? "" : ",") + "{\"created_by\":\"ENV " + e + "\"}";
  std::string config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":" + json_list(env) +
                       ",\"Cmd\":" + json_list(cmd) + "},\"history\":[" + history + "],\"rootfs\":{\"type\":\"layers\"}}";
  std::string out;
  if (!oci) {
    std::string cfg_name = fake_digest(config, 1) + ".json";
    std::vector<std::string> paths;
    for (size_t i = 0; i < layers.size(); ++i) {
      std::string id = fake_digest(layers[i], static_cast<int>(i) + 2);
      paths.push_back(id + "/layer.tar");
      out += tar_entry(id + "/", "", '5') + tar_entry(id + "/VERSION", "1.0") + tar_entry(id + "/layer.tar", layers[i]);
    }
    out += tar_entry(cfg_name, config);
    out += tar_entry("manifest.json", "[{\"Config\":\"" + cfg_name + "\",\"RepoTags\":[\"app:latest\"],\"Layers\":" +
                                          json_list(paths) + "}]");
    return out + tar_end();
  }
  std::string cfg_digest = fake_digest(config, 1);
  out += tar_entry("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
  out += tar_entry("blobs/sha256/" + cfg_digest, config);
  std::string layer_list;
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string gz = gzip(layers[i]);
    std::string d = fake_digest(gz, static_cast<int>(i) + 2);
    out += tar_entry("blobs/sha256/" + d, gz);
    layer_list += std::string(layer_list.empty() ? "" : ",") +
                  "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:" + d + "\"}";
  }
  std::string manifest = "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" + cfg_digest + "\"},\"layers\":[" +
                         layer_list + "]}";
  std::string md = fake_digest(manifest, 99);
  out += tar_entry("blobs/sha256/" + md, manifest);
  out += tar_entry("index.json", "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:" + md + "\"}]}");
  return out + tar_end();
}

}  // namespace e2e
