# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a user-visible string in the sources has no zh_CN translation: runs lupdate
# over the sources into a scratch copy of the catalogue and looks for unfinished entries.
# Args: LUPDATE, TS, SOURCE_DIRS (;-list), INCLUDE_DIR, WORK_DIR
cmake_policy(SET CMP0007 NEW)
file(MAKE_DIRECTORY "${WORK_DIR}")
get_filename_component(name "${TS}" NAME)
set(scratch "${WORK_DIR}/${name}")
file(COPY_FILE "${TS}" "${scratch}")
execute_process(COMMAND "${LUPDATE}" ${SOURCE_DIRS} -I "${INCLUDE_DIR}" -extensions cpp,h -no-obsolete -locations none -ts "${scratch}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "lupdate failed (${rc}): ${out}${err}")
endif()
file(READ "${scratch}" content)
string(REGEX MATCHALL "<source>[^<]*</source>[ \t\r\n]*(<comment>[^<]*</comment>[ \t\r\n]*)?<translation type=\"unfinished\">" missing "${content}")
list(LENGTH missing count)
if(count GREATER 0)
    set(list "")
    foreach(m IN LISTS missing)
        string(REGEX REPLACE "<source>([^<]*)</source>.*" "\\1" src "${m}")
        string(APPEND list "\n  ${src}")
    endforeach()
    message(FATAL_ERROR "${count} user-visible string(s) lack a translation in ${name} "
                        "(run: cmake --build build --target update_translations, then translate):${list}")
endif()
message(STATUS "${name}: every user-visible string is translated")
