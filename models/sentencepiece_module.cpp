// SPDX-License-Identifier: GPL-3.0-or-later
// A plain-C wrapper around libsentencepiece, built as a module that tokenizer.cpp loads with dlopen.
//
// libsentencepiece carries its own copy of protobuf-lite with exported symbols; linked into a process
// that also loads LibTorch's libprotobuf, the two copies interpose each other and the process crashes
// at start-up. Loaded with RTLD_LOCAL | RTLD_DEEPBIND, this module and libsentencepiece keep to their copy.
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include <sentencepiece_processor.h>

namespace {

void copyError(const std::string &msg, char *err, size_t errLen)
{
    if (!err || errLen == 0)
        return;
    const size_t n = std::min(msg.size(), errLen - 1);
    std::memcpy(err, msg.data(), n);
    err[n] = '\0';
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) void *ef_spm_load(const char *bytes, size_t len, char *err, size_t errLen)
{
    auto *sp = new sentencepiece::SentencePieceProcessor();
    const auto status = sp->LoadFromSerializedProto(std::string_view(bytes, len));
    if (!status.ok()) {
        copyError(status.ToString(), err, errLen);
        delete sp;
        return nullptr;
    }
    return sp;
}

__attribute__((visibility("default"))) void ef_spm_free(void *h)
{
    delete static_cast<sentencepiece::SentencePieceProcessor *>(h);
}

// Writes up to cap ids into out and returns how many there are (-1 on error, message in err).
__attribute__((visibility("default"))) long ef_spm_encode(void *h, const char *text, size_t len, int *out, size_t cap,
                                                          char *err, size_t errLen)
{
    std::vector<int> ids;
    const auto status =
        static_cast<sentencepiece::SentencePieceProcessor *>(h)->Encode(std::string_view(text, len), &ids);
    if (!status.ok()) {
        copyError(status.ToString(), err, errLen);
        return -1;
    }
    if (const size_t n = std::min(cap, ids.size()); n > 0) // memcpy from ids.data() == nullptr is undefined (UBSan)
        std::memcpy(out, ids.data(), n * sizeof(int));
    return static_cast<long>(ids.size());
}

// Writes up to cap bytes of the decoded text into out and returns its full length (-1 on error).
__attribute__((visibility("default"))) long ef_spm_decode(void *h, const int *ids, size_t n, char *out, size_t cap,
                                                          char *err, size_t errLen)
{
    std::string text;
    const auto status =
        static_cast<sentencepiece::SentencePieceProcessor *>(h)->Decode(std::vector<int>(ids, ids + n), &text);
    if (!status.ok()) {
        copyError(status.ToString(), err, errLen);
        return -1;
    }
    if (const size_t m = std::min(cap, text.size()); m > 0) // out may be null when cap is 0
        std::memcpy(out, text.data(), m);
    return static_cast<long>(text.size());
}

__attribute__((visibility("default"))) const char *ef_spm_id_to_piece(void *h, int id, size_t *len)
{
    const std::string &p = static_cast<sentencepiece::SentencePieceProcessor *>(h)->IdToPiece(id);
    *len = p.size();
    return p.data();
}

__attribute__((visibility("default"))) int ef_spm_piece_to_id(void *h, const char *piece, size_t len)
{
    return static_cast<sentencepiece::SentencePieceProcessor *>(h)->PieceToId(std::string_view(piece, len));
}

// what: 0 piece count, 1 bos id, 2 unk id
__attribute__((visibility("default"))) int ef_spm_info(void *h, int what)
{
    auto *sp = static_cast<sentencepiece::SentencePieceProcessor *>(h);
    switch (what) {
    case 0:
        return sp->GetPieceSize();
    case 1:
        return sp->bos_id();
    default:
        return sp->unk_id();
    }
}

// kind: 0 control, 1 unknown
__attribute__((visibility("default"))) int ef_spm_is(void *h, int id, int kind)
{
    auto *sp = static_cast<sentencepiece::SentencePieceProcessor *>(h);
    return kind == 0 ? sp->IsControl(id) : sp->IsUnknown(id);
}

} // extern "C"
