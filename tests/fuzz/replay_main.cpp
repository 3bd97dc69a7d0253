// Replays fuzz inputs without libFuzzer: `fuzz_<name> <dir-or-file>...` runs LLVMFuzzerTestOneInput
// once on every regular file (directories are read one level deep, in name order) and fails if there
// was none. Built with the target in the normal build, so every corpus is a CTest test (label "fuzz")
// and an input that once crashed a target crashes this program again if the defect returns.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

namespace {

namespace fs = std::filesystem;

bool run_file(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", path.string().c_str());
    return false;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // An allocation of exactly the input's size, as libFuzzer makes, so that a sanitizer build sees
  // a read one byte past the end.
  std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[bytes.empty() ? 1 : bytes.size()]);
  std::copy(bytes.begin(), bytes.end(), copy.get());
  LLVMFuzzerTestOneInput(copy.get(), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    fs::path arg(argv[i]);
    std::error_code ec;
    std::vector<fs::path> files;
    if (fs::is_directory(arg, ec)) {
      for (const auto &entry : fs::directory_iterator(arg, ec))
        if (entry.is_regular_file()) files.push_back(entry.path());
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(arg);
    }
    for (const fs::path &f : files) {
      if (!run_file(f)) return 1;
      ++count;
    }
  }
  std::printf("replay: %zu inputs ran\n", count);
  if (count == 0) {
    std::fprintf(stderr, "replay: no input (usage: %s <corpus directory or file>...)\n", argc > 0 ? argv[0] : "fuzz");
    return 1;
  }
  return 0;
}
