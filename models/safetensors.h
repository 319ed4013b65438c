// SPDX-License-Identifier: GPL-3.0-or-later
// safetensors: memory-mapped reading with full header validation, sharded checkpoints
// (model.safetensors.index.json), and writing. No torch and no Qt in this header: a tensor is
// a view (dtype, shape, pointer into the mapping) that the model code wraps without copying.
//
// Validation before any use: the header length fits in the file, the header is well-formed
// JSON, every tensor has a known dtype, a non-negative shape and data_offsets inside the data
// section, its byte size equals the product of the shape times the dtype size, and no two
// tensors overlap. A violation is a SafetensorsError naming the file, the tensor and the rule.
//
// Thread-safety: a File is immutable after open(); share it freely (the mapping lives as long
// as the last shared_ptr).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ef::st {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

size_t dtypeSize(DType d);
const char *dtypeName(DType d);
std::optional<DType> parseDType(const std::string &name);

class SafetensorsError : public std::runtime_error
{
public:
    SafetensorsError(const std::string &file, const std::string &tensor, const std::string &message);
    const std::string &file() const { return m_file; }
    const std::string &tensor() const { return m_tensor; }

private:
    std::string m_file, m_tensor;
};

struct TensorView
{
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    const uint8_t *data = nullptr; // inside the file's mapping
    size_t bytes = 0;
    int64_t elements() const;
    // True when data is aligned for its dtype, so it can be used in place without a copy.
    bool aligned() const;
};

class File
{
public:
    static std::shared_ptr<const File> open(const std::string &path);
    ~File();
    File(const File &) = delete;
    File &operator=(const File &) = delete;

    const std::string &path() const { return m_path; }
    const std::vector<TensorView> &tensors() const { return m_tensors; }
    const TensorView *find(const std::string &name) const;
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }

private:
    File() = default;
    std::string m_path;
    void *m_map = nullptr;
    size_t m_size = 0;
    std::vector<TensorView> m_tensors;
    std::map<std::string, std::string> m_metadata;
};

// A checkpoint: a single .safetensors file, or a directory holding model.safetensors or
// model.safetensors.index.json with its shards. Weights stay mapped, never copied.
class Checkpoint
{
public:
    static Checkpoint open(const std::string &fileOrDirectory);
    const TensorView *find(const std::string &name) const;
    std::vector<std::string> names() const;
    const std::vector<std::shared_ptr<const File>> &files() const { return m_files; }

private:
    std::vector<std::shared_ptr<const File>> m_files;
    std::map<std::string, const TensorView *> m_index;
};

struct TensorData
{
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    const void *data = nullptr; // bytes = product(shape) * dtypeSize(dtype)
};

// Writes a .safetensors file (header padded to 8 bytes, tensors contiguous in the given
// order) through a temporary file renamed into place, so a failure never leaves a partial
// file at path. Throws SafetensorsError (e.g. on a full disk).
void write(const std::string &path, const std::vector<TensorData> &tensors,
           const std::map<std::string, std::string> &metadata = {});

} // namespace ef::st
