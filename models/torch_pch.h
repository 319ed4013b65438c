// SPDX-License-Identifier: GPL-3.0-or-later
// Precompiled header for embedforge_models: LibTorch's C++ API, parsed once per build.
#pragma once

#include <torch/torch.h>
