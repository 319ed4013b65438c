# SPDX-License-Identifier: GPL-3.0-or-later
# One INTERFACE target carries the project's compile flags; every target links it.

add_library(embedforge_options INTERFACE)
target_compile_features(embedforge_options INTERFACE cxx_std_17)
target_compile_definitions(embedforge_options INTERFACE
    QT_NO_KEYWORDS                      # Qt's `slots` macro breaks ATen headers
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_DISABLE_DEPRECATED_BEFORE=0x060000
    EMBEDFORGE_VERSION="${PROJECT_VERSION}")
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(embedforge_options INTERFACE -Wall -Wextra -Wnon-virtual-dtor)
    if(EMBEDFORGE_WERROR)
        target_compile_options(embedforge_options INTERFACE -Werror)
    endif()
endif()

# embedforge_add_library(NAME SOURCES ...) — a static library in the current folder.
function(embedforge_add_library name)
    cmake_parse_arguments(arg "" "" "SOURCES" ${ARGN})
    add_library(${name} STATIC ${arg_SOURCES})
    target_include_directories(${name} PUBLIC "${PROJECT_SOURCE_DIR}")
    target_link_libraries(${name} PUBLIC embedforge_options)
endfunction()

# A sanitizer build (scripts/sanitize.sh): EMBEDFORGE_SANITIZE is a -fsanitize= list such as
# "address,undefined". Use a build folder of its own; LibTorch, Qt and the system libraries stay
# uninstrumented, so only EmbedForge's code is checked.
set(EMBEDFORGE_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined (empty: none)")
if(EMBEDFORGE_SANITIZE)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        message(FATAL_ERROR "EMBEDFORGE_SANITIZE needs GCC or clang, not ${CMAKE_CXX_COMPILER_ID}")
    endif()
    message(STATUS "EmbedForge: sanitizers ${EMBEDFORGE_SANITIZE}")
    target_compile_options(embedforge_options INTERFACE -fsanitize=${EMBEDFORGE_SANITIZE} -fno-omit-frame-pointer -g)
    target_link_options(embedforge_options INTERFACE -fsanitize=${EMBEDFORGE_SANITIZE})
    # The sanitizer runtimes refuse dlopen(RTLD_DEEPBIND) (tokenizer.cpp's SentencePiece module).
    target_compile_definitions(embedforge_options INTERFACE EMBEDFORGE_SANITIZE=1)
endif()
