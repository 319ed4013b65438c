# SPDX-License-Identifier: GPL-3.0-or-later
# Finds every third-party package once, with messages that say which Debian package provides it.

find_package(Qt6 6.2 REQUIRED COMPONENTS Core Gui Widgets PrintSupport Network Concurrent Test LinguistTools)
find_package(SQLite3 REQUIRED)
find_package(nlohmann_json 3.9 REQUIRED)
find_package(QCustomPlotQt6 REQUIRED)

# LibTorch: Debian's libtorch-dev (CPU) or an official build given with -DCMAKE_PREFIX_PATH.
find_package(Torch REQUIRED)
if(TORCH_CXX_FLAGS MATCHES "_GLIBCXX_USE_CXX11_ABI=0")
    message(FATAL_ERROR
        "The LibTorch found at ${TORCH_INSTALL_PREFIX} was built with the pre-C++11 ABI "
        "(TORCH_CXX_FLAGS='${TORCH_CXX_FLAGS}'); Qt is built with the C++11 ABI. "
        "Use a 'cxx11-abi' LibTorch archive.")
endif()
if(CAFFE2_USE_CUDA)
    set(EMBEDFORGE_TORCH_CUDA ON)
else()
    set(EMBEDFORGE_TORCH_CUDA OFF)
endif()
message(STATUS "EmbedForge: LibTorch at ${TORCH_INSTALL_PREFIX} (CUDA: ${EMBEDFORGE_TORCH_CUDA})")

# Pre-C++17 Torch configs (1.13) put their flags in TORCH_CXX_FLAGS; keep only the defines.
set(EMBEDFORGE_TORCH_DEFINES "")
string(REGEX MATCHALL "-D[A-Za-z0-9_]+(=[A-Za-z0-9_]+)?" _ef_torch_defs "${TORCH_CXX_FLAGS}")
foreach(_d IN LISTS _ef_torch_defs)
    string(SUBSTRING "${_d}" 2 -1 _d)
    list(APPEND EMBEDFORGE_TORCH_DEFINES "${_d}")
endforeach()
