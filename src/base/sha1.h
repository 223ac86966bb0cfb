// SHA-1, for checking that a git object hashes to its id (git's object names are SHA-1s); not
// for anything that needs a secure hash.
#pragma once
#include <cstdint>
#include <string_view>

namespace keyhound {

class Sha1 {
 public:
  Sha1();
  void update(std::string_view data);
  // The 20-byte digest; the object is spent afterwards.
  void final(unsigned char out[20]);

 private:
  void block(const unsigned char* p);
  uint32_t h_[5];
  unsigned char buf_[64];
  uint64_t total_ = 0;
  size_t used_ = 0;
};

}  // namespace keyhound
