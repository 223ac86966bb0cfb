// Building archives byte by byte for the tests (tar, gzip, zip, zip64 bombs, image tarballs):
// every fixture is made at run time, hostile ones included, with no tool but zlib (and
// libarchive's writer for 7z).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace e2e {

// One ustar entry: type '0' file, '2' symlink, '3' char device, '5' directory.
std::string tar_entry(const std::string& name, const std::string& data, char type = '0',
                      const std::string& link = "");
// The two zero blocks that end a tar.
std::string tar_end();
std::string gzip(const std::string& data);

struct ZipMember {
  std::string name, data;
  bool encrypted = false;   // the traditional-encryption flag (the bytes are not really encrypted)
  bool deflated = false;    // method 8 rather than stored
  bool descriptor = false;  // sizes and CRC in a data descriptor after the bytes (flag bit 3)
  uint32_t unix_mode = 0;   // made on Unix with this mode (0120777 a symlink, 020644 a device)
};
// A zip of the members (stored unless deflated); zip64: with zip64 end records and extra
// fields holding every size and offset.
std::string zip(const std::vector<ZipMember>& members, bool zip64 = false);
// A 7z of the members (LZMA1-compressed), written by libarchive's 7z writer: no p7zip needed.
std::string seven_zip(const std::vector<ZipMember>& members);
// A zip64 bomb: `chunks` MiB of zeros deflated (about 1 KiB per MiB) as one member, listed
// `entries` times in the central directory (entries > 1: the overlapping-entry bomb).
std::string zip_bomb(uint64_t chunks, int entries = 1);

}  // namespace e2e

namespace e2e {
// A `docker save` style image tarball (manifest.json, the config JSON, one "<id>/layer.tar"
// per layer) or, with oci, an OCI layout (oci-layout, index.json, blobs/sha256/<digest>, the
// layers gzipped). `layers` are tars; `env` and `cmd` go into the config.
std::string image_tarball(const std::vector<std::string>& layers, const std::vector<std::string>& env,
                          const std::vector<std::string>& cmd, bool oci);
}  // namespace e2e
