// A minimal HTTP/1.1 server on 127.0.0.1 (ephemeral port) for the verifier tests: one thread
// per connection, one request per connection, "Connection: close". Handlers may ask it to
// stall (never answer until the server stops or the client hangs up) or to answer late.
#pragma once
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace keyhound_test {

struct HttpReq {
  std::string method, target, path, query;
  std::vector<std::pair<std::string, std::string>> headers;  // in arrival order, names as sent
  std::string body;
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (k.size() != name.size()) continue;
      bool eq = std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      });
      if (eq) return v;
    }
    return "";
  }
};

struct HttpResp {
  int status = 200;
  std::string body;
  std::string content_type = "text/xml";
  bool stall = false;  // never answer
  int delay_ms = 0;    // answer after this long
};

class MockServer {
 public:
  using Handler = std::function<HttpResp(const HttpReq&)>;

  explicit MockServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket");
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 64) != 0)
      throw std::runtime_error("bind/listen");
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (::pipe2(stop_pipe_, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~MockServer() {
    char c = 'x';
    (void)!::write(stop_pipe_[1], &c, 1);
    acceptor_.join();
    std::vector<std::thread> workers;
    {
      std::lock_guard<std::mutex> lock(mu_);
      workers.swap(workers_);
    }
    for (auto& t : workers) t.join();
    ::close(listen_fd_);
    ::close(stop_pipe_[0]);
    ::close(stop_pipe_[1]);
  }

  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }
  int max_concurrent() const { return max_concurrent_.load(); }

 private:
  void accept_loop() {
    for (;;) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) continue;
      if (fds[1].revents) return;
      if (!(fds[0].revents & POLLIN)) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      connections_.fetch_add(1);
      std::lock_guard<std::mutex> lock(mu_);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  // Waits for data on fd; false when the server stops, the peer hangs up or on error.
  bool wait_readable(int fd, int timeout_ms = 10000) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    int rc = ::poll(fds, 2, timeout_ms);
    if (rc <= 0 || fds[1].revents) return false;
    return (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
  }

  bool read_request(int fd, HttpReq* req) {
    std::string buf;
    char chunk[4096];
    size_t header_end;
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (buf.size() > 65536 || !wait_readable(fd)) return false;
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buf.append(chunk, static_cast<size_t>(n));
    }
    std::string head = buf.substr(0, header_end);
    std::string rest = buf.substr(header_end + 4);
    size_t eol = head.find("\r\n");
    std::string request_line = head.substr(0, eol);
    size_t sp1 = request_line.find(' '), sp2 = request_line.rfind(' ');
    if (sp1 == std::string::npos || sp2 == sp1) return false;
    req->method = request_line.substr(0, sp1);
    req->target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t q = req->target.find('?');
    req->path = req->target.substr(0, q);
    req->query = q == std::string::npos ? "" : req->target.substr(q + 1);
    size_t pos = eol == std::string::npos ? head.size() : eol + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        size_t a = value.find_first_not_of(" \t");
        value = a == std::string::npos ? "" : value.substr(a);
        req->headers.emplace_back(line.substr(0, colon), value);
      }
      pos = e + 2;
    }
    size_t length = 0;
    std::string cl = req->header("Content-Length");
    if (!cl.empty()) length = std::stoul(cl);
    while (rest.size() < length) {
      if (!wait_readable(fd)) return false;
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      rest.append(chunk, static_cast<size_t>(n));
    }
    req->body = rest.substr(0, length);
    return true;
  }

  void serve(int fd) {
    bool counted = true;
    int now = concurrent_.fetch_add(1) + 1;
    int prev = max_concurrent_.load();
    while (now > prev && !max_concurrent_.compare_exchange_weak(prev, now)) {
    }
    HttpReq req;
    if (read_request(fd, &req)) {
      requests_.fetch_add(1);
      HttpResp resp = handler_(req);
      if (resp.stall) {
        // Hold the connection open without a byte until the client gives up or we stop.
        char c;
        while (wait_readable(fd, 60000) && ::recv(fd, &c, 1, 0) > 0) {
        }
      } else {
        if (resp.delay_ms > 0)
          std::this_thread::sleep_for(std::chrono::milliseconds(resp.delay_ms));
        std::string out = "HTTP/1.1 " + std::to_string(resp.status) + " X\r\nContent-Type: " +
                          resp.content_type + "\r\nContent-Length: " +
                          std::to_string(resp.body.size()) + "\r\nConnection: close\r\n\r\n" +
                          resp.body;
        // Stop counting this request as in flight before the client can see the answer: the
        // client may open its next request the moment the last byte arrives.
        concurrent_.fetch_sub(1);
        counted = false;
        size_t off = 0;
        while (off < out.size()) {
          ssize_t n = ::send(fd, out.data() + off, out.size() - off, MSG_NOSIGNAL);
          if (n <= 0) break;
          off += static_cast<size_t>(n);
        }
      }
    }
    if (counted) concurrent_.fetch_sub(1);
    ::close(fd);
  }

  Handler handler_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  int port_ = 0;
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
  std::atomic<int> connections_{0}, requests_{0}, concurrent_{0}, max_concurrent_{0};
};

}  // namespace keyhound_test
