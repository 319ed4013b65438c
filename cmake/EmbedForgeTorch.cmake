# SPDX-License-Identifier: GPL-3.0-or-later
# LibTorch 2.x, imported without Torch's own CMake package so that the core links only the CPU
# libraries and CUDA stays a loadable module.
#
# Where LibTorch comes from, first match wins:
#   -DEMBEDFORGE_LIBTORCH=DIR   a LibTorch root (DIR/include, DIR/lib, DIR/share/cmake/Torch)
#   -DTorch_DIR=DIR/share/cmake/Torch or -DCMAKE_PREFIX_PATH=DIR (e.g. an official libtorch zip)
#   scripts/fetch-libtorch.sh's prefix (PyPI's torch wheel, pinned and hash-checked)
#   python3 -c 'import torch' (a Python environment's torch, e.g. on a GPU server)
#
# Targets:
#   embedforge::torch       headers + libtorch_cpu + libc10 (everything the core needs; no CUDA)
#   embedforge::torch_cuda  headers of CUDA, ATen/cuda + libtorch_cuda + libc10_cuda + cudart, only
#                           when EMBEDFORGE_TORCH_CUDA is ON; linked by the CUDA module alone
#
# EMBEDFORGE_CUDA: AUTO (default: the CUDA module is built when LibTorch has CUDA libraries and
# CUDA headers are found), ON (required: configuration fails otherwise; CI uses this), OFF.
# CUDA headers come from the wheel's nvidia/cu13/include when LibTorch is a wheel (the exact
# CUDA that LibTorch was built with), otherwise from the CUDA toolkit (FindCUDAToolkit).

set(EMBEDFORGE_TORCH_MIN_VERSION 2.4)
set(EMBEDFORGE_TORCH_MAX_VERSION 3.0) # exclusive
set(EMBEDFORGE_LIBTORCH "" CACHE PATH "LibTorch root (holds include/, lib/ and share/cmake/Torch)")
set(EMBEDFORGE_CUDA AUTO CACHE STRING "Build the CUDA module: AUTO, ON or OFF")
set_property(CACHE EMBEDFORGE_CUDA PROPERTY STRINGS AUTO ON OFF)

function(_ef_torch_root_from_cmake_dir dir out)
    get_filename_component(root "${dir}/../../.." ABSOLUTE)
    set(${out} "${root}" PARENT_SCOPE)
endfunction()

set(_ef_root "")
set(_ef_how "")
if(EMBEDFORGE_LIBTORCH)
    set(_ef_root "${EMBEDFORGE_LIBTORCH}")
    set(_ef_how "EMBEDFORGE_LIBTORCH")
elseif(Torch_DIR AND EXISTS "${Torch_DIR}/TorchConfigVersion.cmake")
    _ef_torch_root_from_cmake_dir("${Torch_DIR}" _ef_root)
    set(_ef_how "Torch_DIR")
else()
    find_path(_ef_torch_cfg TorchConfigVersion.cmake PATH_SUFFIXES share/cmake/Torch NO_CACHE
              NO_SYSTEM_ENVIRONMENT_PATH NO_CMAKE_SYSTEM_PATH)
    if(_ef_torch_cfg)
        _ef_torch_root_from_cmake_dir("${_ef_torch_cfg}" _ef_root)
        set(_ef_how "CMAKE_PREFIX_PATH")
    else()
        execute_process(COMMAND "${PROJECT_SOURCE_DIR}/scripts/fetch-libtorch.sh" --where
                        OUTPUT_VARIABLE _ef_prefix RESULT_VARIABLE _ef_rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
        if(_ef_rc EQUAL 0)
            set(_ef_root "${_ef_prefix}/torch")
            set(_ef_how "scripts/fetch-libtorch.sh")
        else()
            find_package(Python3 QUIET COMPONENTS Interpreter)
            if(Python3_Interpreter_FOUND)
                execute_process(COMMAND "${Python3_EXECUTABLE}" -c "import os, torch; print(os.path.dirname(torch.__file__))"
                                OUTPUT_VARIABLE _ef_py RESULT_VARIABLE _ef_rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
                if(_ef_rc EQUAL 0 AND EXISTS "${_ef_py}/share/cmake/Torch/TorchConfigVersion.cmake")
                    set(_ef_root "${_ef_py}")
                    set(_ef_how "${Python3_EXECUTABLE}'s torch")
                endif()
            endif()
        endif()
    endif()
endif()

if(NOT _ef_root OR NOT EXISTS "${_ef_root}/share/cmake/Torch/TorchConfigVersion.cmake")
    message(FATAL_ERROR
        "EmbedForge needs LibTorch ${EMBEDFORGE_TORCH_MIN_VERSION} or newer (below ${EMBEDFORGE_TORCH_MAX_VERSION}), and none was found"
        "${_ef_root}. Run scripts/install-deps.sh (it fetches the pinned LibTorch from PyPI into ~/.cache/embedforge), "
        "or pass -DEMBEDFORGE_LIBTORCH=/path/to/libtorch (an official zip or a Python environment's site-packages/torch).")
endif()

set(PACKAGE_FIND_VERSION ${EMBEDFORGE_TORCH_MIN_VERSION})
include("${_ef_root}/share/cmake/Torch/TorchConfigVersion.cmake")
set(EMBEDFORGE_TORCH_VERSION "${PACKAGE_VERSION}")
unset(PACKAGE_FIND_VERSION)
string(REGEX REPLACE "[+].*$" "" _ef_version_plain "${EMBEDFORGE_TORCH_VERSION}")
if(_ef_version_plain VERSION_LESS EMBEDFORGE_TORCH_MIN_VERSION OR NOT _ef_version_plain VERSION_LESS EMBEDFORGE_TORCH_MAX_VERSION)
    message(FATAL_ERROR
        "The LibTorch at ${_ef_root} (found through ${_ef_how}) is version ${EMBEDFORGE_TORCH_VERSION}; EmbedForge needs "
        ">= ${EMBEDFORGE_TORCH_MIN_VERSION} and < ${EMBEDFORGE_TORCH_MAX_VERSION}. Debian's libtorch-dev (1.13) is no longer "
        "supported: run scripts/install-deps.sh for the pinned LibTorch, or point -DEMBEDFORGE_LIBTORCH at another one.")
endif()

find_library(EMBEDFORGE_TORCH_CPU_LIBRARY torch_cpu PATHS "${_ef_root}/lib" NO_DEFAULT_PATH NO_CACHE)
find_library(EMBEDFORGE_C10_LIBRARY c10 PATHS "${_ef_root}/lib" NO_DEFAULT_PATH NO_CACHE)
if(NOT EMBEDFORGE_TORCH_CPU_LIBRARY OR NOT EMBEDFORGE_C10_LIBRARY)
    message(FATAL_ERROR "${_ef_root}/lib has no libtorch_cpu/libc10: not a LibTorch (found through ${_ef_how})")
endif()
# An official zip built with the pre-C++11 ABI cannot be linked with Qt.
if(EXISTS "${_ef_root}/share/cmake/Torch/TorchConfig.cmake")
    file(STRINGS "${_ef_root}/share/cmake/Torch/TorchConfig.cmake" _ef_abi REGEX "_GLIBCXX_USE_CXX11_ABI=0")
    if(_ef_abi)
        message(FATAL_ERROR "The LibTorch at ${_ef_root} uses the pre-C++11 ABI; Qt uses the C++11 ABI. Use a 'cxx11-abi' LibTorch.")
    endif()
endif()

set(EMBEDFORGE_TORCH_ROOT "${_ef_root}" CACHE INTERNAL "")
set(EMBEDFORGE_TORCH_LIBDIR "${_ef_root}/lib" CACHE INTERNAL "")
add_library(embedforge_torch INTERFACE)
add_library(embedforge::torch ALIAS embedforge_torch)
target_include_directories(embedforge_torch SYSTEM INTERFACE "${_ef_root}/include" "${_ef_root}/include/torch/csrc/api/include")
target_link_libraries(embedforge_torch INTERFACE "${EMBEDFORGE_TORCH_CPU_LIBRARY}" "${EMBEDFORGE_C10_LIBRARY}")
message(STATUS "EmbedForge: LibTorch ${EMBEDFORGE_TORCH_VERSION} at ${_ef_root} (through ${_ef_how})")

# ---- CUDA module
set(EMBEDFORGE_TORCH_CUDA OFF)
if(NOT EMBEDFORGE_CUDA STREQUAL "OFF")
    set(_ef_cuda_why "")
    find_library(EMBEDFORGE_TORCH_CUDA_LIBRARY torch_cuda PATHS "${_ef_root}/lib" NO_DEFAULT_PATH NO_CACHE)
    find_library(EMBEDFORGE_C10_CUDA_LIBRARY c10_cuda PATHS "${_ef_root}/lib" NO_DEFAULT_PATH NO_CACHE)
    if(NOT EMBEDFORGE_TORCH_CUDA_LIBRARY OR NOT EMBEDFORGE_C10_CUDA_LIBRARY)
        set(_ef_cuda_why "this LibTorch has no libtorch_cuda (a CPU-only build)")
    else()
        # A wheel: the CUDA runtime it was built with sits beside it (site-packages/nvidia/cu*).
        file(GLOB _ef_wheel_cuda LIST_DIRECTORIES true "${_ef_root}/../nvidia/cu[0-9]*")
        set(_ef_cuda_inc "")
        set(_ef_cudart "")
        foreach(d IN LISTS _ef_wheel_cuda)
            if(EXISTS "${d}/include/cuda_runtime_api.h")
                set(_ef_cuda_inc "${d}/include")
                file(GLOB _ef_cudart "${d}/lib/libcudart.so.*")
                list(SORT _ef_cudart)
                list(GET _ef_cudart 0 _ef_cudart)
                set(_ef_cuda_from "the wheel's ${d}")
            endif()
        endforeach()
        if(NOT _ef_cuda_inc)
            find_package(CUDAToolkit QUIET)
            if(CUDAToolkit_FOUND)
                set(_ef_cuda_inc "${CUDAToolkit_INCLUDE_DIRS}")
                set(_ef_cudart CUDA::cudart)
                set(_ef_cuda_from "CUDA toolkit ${CUDAToolkit_VERSION} at ${CUDAToolkit_LIBRARY_ROOT}")
            else()
                set(_ef_cuda_why "no CUDA headers: neither the wheel's nvidia/cu*/include nor a CUDA toolkit was found")
            endif()
        endif()
    endif()
    if(_ef_cuda_why)
        if(EMBEDFORGE_CUDA STREQUAL "ON")
            message(FATAL_ERROR "EMBEDFORGE_CUDA=ON but the CUDA module cannot be built: ${_ef_cuda_why}.")
        endif()
        message(STATUS "EmbedForge: CUDA module not built: ${_ef_cuda_why}")
    else()
        set(EMBEDFORGE_TORCH_CUDA ON)
        add_library(embedforge_torch_cuda INTERFACE)
        add_library(embedforge::torch_cuda ALIAS embedforge_torch_cuda)
        target_include_directories(embedforge_torch_cuda SYSTEM INTERFACE ${_ef_cuda_inc})
        target_link_libraries(embedforge_torch_cuda INTERFACE embedforge_torch
            "${EMBEDFORGE_TORCH_CUDA_LIBRARY}" "${EMBEDFORGE_C10_CUDA_LIBRARY}" ${_ef_cudart})
        message(STATUS "EmbedForge: CUDA module built against ${_ef_cuda_from}")
    endif()
endif()
