// SPDX-License-Identifier: GPL-3.0-or-later
// SHA-256 (FIPS 180-4) for the Qt-free core: checkpoint and export integrity, test fixtures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ef {

class Sha256
{
public:
    Sha256();
    void update(const void *data, size_t len);
    void update(const std::string &s) { update(s.data(), s.size()); }
    std::string hexDigest(); // finishes; the object is spent afterwards

    static std::string hex(const std::string &data);
    // Hex digest of a file's bytes; throws std::runtime_error naming the file when it cannot be read.
    static std::string hexOfFile(const std::string &path);

private:
    void block(const uint8_t *p);
    uint32_t m_h[8];
    uint8_t m_buf[64];
    size_t m_used = 0;
    uint64_t m_bits = 0;
};

} // namespace ef
