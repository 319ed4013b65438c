// SPDX-License-Identifier: GPL-3.0-or-later
// safetensors reading (mmap, validation, shards) and writing.
#include "models/safetensors.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "models/fileguard.h"
#include "models/jsonguard.h"

namespace ef::st {

namespace {
constexpr uint64_t kMaxHeader = 100ull * 1024 * 1024; // the format's own limit
constexpr uint64_t kMaxIndex = 64ull * 1024 * 1024;   // model.safetensors.index.json (real ones: < 1 MiB)

// Parses JSON from an untrusted file: nesting depth checked first (jsonguard.h), and a key that
// appears twice in the object at keyPath is reported in *duplicate (nlohmann keeps the last one
// silently). keyPath: "" for the top-level object, "weight_map" for that member of it.
nlohmann::json parseChecked(const char *begin, const char *end, const std::string &keyPath, std::string *duplicate,
                            std::string *error)
{
    if (const auto tooDeep = jsonguard::findTooDeep(std::string_view(begin, static_cast<size_t>(end - begin)))) {
        *error = jsonguard::describe(*tooDeep);
        return {};
    }
    std::set<std::string> seen;
    std::string topKey;
    const int keyDepth = keyPath.empty() ? 1 : 2;
    auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json &parsed) {
        if (event != nlohmann::json::parse_event_t::key)
            return true;
        const std::string &key = parsed.get_ref<const std::string &>();
        if (depth == 1)
            topKey = key;
        if (depth == keyDepth && (keyPath.empty() || topKey == keyPath) && !seen.insert(key).second &&
            duplicate->empty())
            *duplicate = key;
        return true;
    };
    try {
        return nlohmann::json::parse(begin, end, callback);
    } catch (const nlohmann::json::exception &e) {
        // parse_error, and also out_of_range for a number too large to represent (found by
        // fuzz/fuzz_safetensors_header): both mean JSON we cannot use.
        *error = std::string("not valid JSON: ") + e.what();
        return {};
    }
}

struct DTypeInfo
{
    DType d;
    const char *name;
    size_t size;
};
constexpr DTypeInfo kDTypes[] = {{DType::F64, "F64", 8},   {DType::F32, "F32", 4}, {DType::F16, "F16", 2},
                                 {DType::BF16, "BF16", 2}, {DType::I64, "I64", 8}, {DType::I32, "I32", 4},
                                 {DType::I16, "I16", 2},   {DType::I8, "I8", 1},   {DType::U8, "U8", 1},
                                 {DType::BOOL, "BOOL", 1}};

bool isDirectory(const std::string &path)
{
    struct stat st
    {
    };
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string &path)
{
    struct stat st
    {
    };
    return ::stat(path.c_str(), &st) == 0;
}
} // namespace

size_t dtypeSize(DType d)
{
    for (const auto &i : kDTypes)
        if (i.d == d)
            return i.size;
    return 0;
}

const char *dtypeName(DType d)
{
    for (const auto &i : kDTypes)
        if (i.d == d)
            return i.name;
    return "?";
}

std::optional<DType> parseDType(const std::string &name)
{
    for (const auto &i : kDTypes)
        if (name == i.name)
            return i.d;
    return std::nullopt;
}

SafetensorsError::SafetensorsError(const std::string &file, const std::string &tensor, const std::string &message)
    : std::runtime_error(file + (tensor.empty() ? std::string() : ": tensor '" + tensor + "'") + ": " + message),
      m_file(file), m_tensor(tensor)
{}

int64_t TensorView::elements() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

bool TensorView::aligned() const
{
    return reinterpret_cast<uintptr_t>(data) % dtypeSize(dtype) == 0;
}

std::shared_ptr<const File> File::open(const std::string &path)
{
    // Only a regular file: a FIFO in place of the weights would block open() and read() forever.
    int fd = -1;
    uint64_t size = 0;
    try {
        fd = files::openRegular(path, &size);
    } catch (const files::FileError &e) {
        throw SafetensorsError(path, {}, e.reason());
    }
    std::shared_ptr<File> f(new File);
    f->m_path = path;
    f->m_size = static_cast<size_t>(size);
    if (f->m_size < 8) {
        ::close(fd);
        throw SafetensorsError(
            path, {}, "the file is " + std::to_string(f->m_size) + " bytes, shorter than the 8-byte header length");
    }
    f->m_map = ::mmap(nullptr, f->m_size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (f->m_map == MAP_FAILED) {
        f->m_map = nullptr;
        throw SafetensorsError(path, {}, std::string("cannot map: ") + std::strerror(errno));
    }
    const auto *base = static_cast<const uint8_t *>(f->m_map);
    uint64_t headerLen = 0;
    for (int i = 7; i >= 0; --i)
        headerLen = (headerLen << 8) | base[i]; // little-endian u64
    if (headerLen > kMaxHeader || 8 + headerLen > f->m_size)
        throw SafetensorsError(path, {},
                               "header length " + std::to_string(headerLen) + " does not fit in the file of " +
                                   std::to_string(f->m_size) + " bytes (truncated or not a safetensors file)");
    std::string duplicate, error;
    const nlohmann::json header =
        parseChecked(reinterpret_cast<const char *>(base + 8), reinterpret_cast<const char *>(base + 8 + headerLen), {},
                     &duplicate, &error);
    if (!error.empty())
        throw SafetensorsError(path, {}, "the header: " + error);
    if (!duplicate.empty())
        throw SafetensorsError(path, duplicate, "is listed twice in the header");
    if (!header.is_object())
        throw SafetensorsError(path, {}, "the header is not a JSON object");
    const uint64_t dataSize = f->m_size - 8 - headerLen;
    const uint8_t *data = base + 8 + headerLen;
    struct Range
    {
        uint64_t begin, end;
        std::string name;
    };
    std::vector<Range> ranges;
    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string &name = it.key();
        const nlohmann::json &v = it.value();
        if (name == "__metadata__") {
            if (!v.is_object())
                throw SafetensorsError(path, {}, "__metadata__ is not an object");
            for (auto m = v.begin(); m != v.end(); ++m) {
                if (!m.value().is_string())
                    throw SafetensorsError(path, {}, "__metadata__ value '" + m.key() + "' is not a string");
                f->m_metadata[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        if (!v.is_object())
            throw SafetensorsError(path, name, "the entry is not an object");
        if (!v.contains("dtype") || !v["dtype"].is_string())
            throw SafetensorsError(path, name, "\"dtype\" is missing or not a string");
        const auto dtype = parseDType(v["dtype"].get<std::string>());
        if (!dtype)
            throw SafetensorsError(path, name, "unknown dtype \"" + v["dtype"].get<std::string>() + "\"");
        if (!v.contains("shape") || !v["shape"].is_array())
            throw SafetensorsError(path, name, "\"shape\" is missing or not an array");
        TensorView t;
        t.name = name;
        t.dtype = *dtype;
        uint64_t elements = 1;
        for (const auto &d : v["shape"]) {
            if (!d.is_number_integer() || d.get<int64_t>() < 0)
                throw SafetensorsError(
                    path, name, "shape " + v["shape"].dump() + " has an entry that is not a non-negative integer");
            t.shape.push_back(d.get<int64_t>());
            if (__builtin_mul_overflow(elements, static_cast<uint64_t>(d.get<int64_t>()), &elements))
                throw SafetensorsError(path, name,
                                       "shape " + v["shape"].dump() + " has more elements than fit in 64 bits");
        }
        const auto &off = v.contains("data_offsets") ? v["data_offsets"] : nlohmann::json();
        if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
            throw SafetensorsError(path, name, "\"data_offsets\" is not a pair of non-negative integers");
        const uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
        if (begin > end || end > dataSize)
            throw SafetensorsError(path, name,
                                   "data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                                       "] lie outside the data section of " + std::to_string(dataSize) + " bytes");
        uint64_t needed = 0;
        if (__builtin_mul_overflow(elements, static_cast<uint64_t>(dtypeSize(t.dtype)), &needed) ||
            needed != end - begin)
            throw SafetensorsError(path, name,
                                   "holds " + std::to_string(end - begin) + " bytes but shape " + v["shape"].dump() +
                                       " of " + dtypeName(t.dtype) + " needs " + std::to_string(needed));
        t.data = data + begin;
        t.bytes = static_cast<size_t>(end - begin);
        ranges.push_back({begin, end, name});
        f->m_tensors.push_back(std::move(t));
    }
    // Empty tensors hold no bytes and overlap nothing, but compared as neighbours they hid the
    // overlap of the tensors around them; among the others, sorted by start, each must begin at
    // or after the furthest end seen so far.
    ranges.erase(std::remove_if(ranges.begin(), ranges.end(), [](const Range &r) { return r.begin == r.end; }),
                 ranges.end());
    std::sort(ranges.begin(), ranges.end(), [](const Range &a, const Range &b) { return a.begin < b.begin; });
    size_t furthest = 0;
    for (size_t i = 1; i < ranges.size(); ++i) {
        if (ranges[i].begin < ranges[furthest].end)
            throw SafetensorsError(path, ranges[i].name, "its bytes overlap those of '" + ranges[furthest].name + "'");
        if (ranges[i].end > ranges[furthest].end)
            furthest = i;
    }
    return f;
}

File::~File()
{
    if (m_map)
        ::munmap(m_map, m_size);
}

const TensorView *File::find(const std::string &name) const
{
    for (const TensorView &t : m_tensors)
        if (t.name == name)
            return &t;
    return nullptr;
}

Checkpoint Checkpoint::open(const std::string &fileOrDirectory)
{
    Checkpoint c;
    if (!isDirectory(fileOrDirectory)) {
        c.m_files.push_back(File::open(fileOrDirectory));
    } else {
        const std::string single = fileOrDirectory + "/model.safetensors";
        const std::string index = fileOrDirectory + "/model.safetensors.index.json";
        if (exists(index)) {
            std::string text;
            try {
                text = files::readRegular(index, kMaxIndex);
            } catch (const files::FileError &e) {
                throw SafetensorsError(index, {}, e.reason());
            }
            std::string duplicate, error;
            const nlohmann::json j =
                parseChecked(text.data(), text.data() + text.size(), "weight_map", &duplicate, &error);
            if (!error.empty())
                throw SafetensorsError(index, {}, error);
            if (!duplicate.empty())
                throw SafetensorsError(index, duplicate, "is listed twice in \"weight_map\"");
            if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
                throw SafetensorsError(index, {}, "\"weight_map\" is missing or not an object");
            std::map<std::string, std::shared_ptr<const File>> shards;
            for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
                if (!it.value().is_string())
                    throw SafetensorsError(index, it.key(), "the shard name is not a string");
                const std::string shard = it.value().get<std::string>();
                if (shard.find('/') != std::string::npos || shard == "..")
                    throw SafetensorsError(index, it.key(),
                                           "shard '" + shard + "' is not a file name in the same folder");
                auto &file = shards[shard];
                if (!file) {
                    file = File::open(fileOrDirectory + "/" + shard);
                    c.m_files.push_back(file);
                }
                const TensorView *t = file->find(it.key());
                if (!t)
                    throw SafetensorsError(file->path(), it.key(), "listed in " + index + " but absent from the shard");
                c.m_index[it.key()] = t;
            }
            return c;
        }
        if (!exists(single))
            throw SafetensorsError(fileOrDirectory, {},
                                   "holds neither model.safetensors nor model.safetensors.index.json");
        c.m_files.push_back(File::open(single));
    }
    for (const auto &f : c.m_files)
        for (const TensorView &t : f->tensors())
            c.m_index[t.name] = &t;
    return c;
}

const TensorView *Checkpoint::find(const std::string &name) const
{
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : it->second;
}

std::vector<std::string> Checkpoint::names() const
{
    std::vector<std::string> out;
    for (const auto &kv : m_index)
        out.push_back(kv.first);
    return out;
}

void write(const std::string &path, const std::vector<TensorData> &tensors,
           const std::map<std::string, std::string> &metadata)
{
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    uint64_t offset = 0;
    for (const TensorData &t : tensors) {
        uint64_t elements = 1;
        for (int64_t d : t.shape) {
            if (d < 0)
                throw SafetensorsError(path, t.name, "negative dimension in the shape");
            elements *= static_cast<uint64_t>(d);
        }
        const uint64_t bytes = elements * dtypeSize(t.dtype);
        header[t.name] = {
            {"dtype", dtypeName(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string text = header.dump();
    text.append((8 - (text.size() % 8)) % 8, ' '); // keep the data section 8-byte aligned
    const std::string tmp = path + ".tmp";
    std::FILE *fp = std::fopen(tmp.c_str(), "wb");
    if (!fp)
        throw SafetensorsError(path, {}, std::string("cannot write: ") + std::strerror(errno));
    bool ok = true;
    uint8_t len[8];
    for (int i = 0; i < 8; ++i)
        len[i] = static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * i));
    ok = ok && std::fwrite(len, 1, 8, fp) == 8;
    ok = ok && std::fwrite(text.data(), 1, text.size(), fp) == text.size();
    for (const TensorData &t : tensors) {
        uint64_t elements = 1;
        for (int64_t d : t.shape)
            elements *= static_cast<uint64_t>(d);
        const size_t bytes = static_cast<size_t>(elements * dtypeSize(t.dtype));
        ok = ok && (bytes == 0 || std::fwrite(t.data, 1, bytes, fp) == bytes);
    }
    const int savedErrno = errno;
    ok = (std::fflush(fp) == 0) && ok;
    ok = (::fsync(::fileno(fp)) == 0) && ok;
    ok = (std::fclose(fp) == 0) && ok;
    if (!ok) {
        std::remove(tmp.c_str());
        throw SafetensorsError(path, {},
                               std::string("cannot write: ") + std::strerror(savedErrno ? savedErrno : errno));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        std::remove(tmp.c_str());
        throw SafetensorsError(path, {}, std::string("cannot move the written file into place: ") + std::strerror(e));
    }
}

} // namespace ef::st
