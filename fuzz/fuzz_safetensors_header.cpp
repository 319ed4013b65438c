// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer: arbitrary bytes as a .safetensors file through ef::st::File::open, which must
// either return tensors whose ranges lie inside the file or throw SafetensorsError; then reads
// every tensor's bytes (ASan catches any view outside the mapping).
#include <cstdint>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

#include "models/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int fd = memfd_create("fuzz.safetensors", 0);
    if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))
        return 0;
    try {
        const auto file = ef::st::File::open("/proc/self/fd/" + std::to_string(fd));
        volatile uint8_t sink = 0;
        for (const ef::st::TensorView &t : file->tensors()) {
            if (t.bytes != static_cast<size_t>(t.elements()) * ef::st::dtypeSize(t.dtype))
                __builtin_trap(); // the validated invariant
            for (size_t i = 0; i < t.bytes; ++i)
                sink ^= t.data[i];
        }
    } catch (const ef::st::SafetensorsError &) {
    }
    return 0;
}
