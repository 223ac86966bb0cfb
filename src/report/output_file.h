// Writes output files safely: mode 0600, never through a symlink planted at the path.
#pragma once
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

namespace keyhound {

// Writes `data` to `path` ("-" or "" = stdout). Returns false with a one-line `error`.
bool write_output(const std::string& path, const std::string& data, std::string& error);

// An output opened once and written as the run goes (--format jsonl writes findings as found),
// with write_output's rules. Each call returns false with a one-line `error`.
class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();
  bool open(const std::string& path, std::string& error);  // "" or "-" = stdout
  bool write(std::string_view data, std::string& error);
  bool close(std::string& error);

 private:
  int fd_ = -1;
  bool own_ = false;
  std::string path_;
};

// A std::streambuf over an OutputFile, written in 64 KB pieces: a report goes out as it is
// made instead of whole from memory. The first write error is kept (error()); what follows it
// is dropped.
class OutputStreamBuf : public std::streambuf {
 public:
  explicit OutputStreamBuf(OutputFile& out);
  ~OutputStreamBuf() override;
  const std::string& error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override;
  int sync() override;

 private:
  bool drain();
  OutputFile& out_;
  std::vector<char> buf_;
  std::string error_;
};

}  // namespace keyhound
