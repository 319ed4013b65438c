# SPDX-License-Identifier: GPL-3.0-or-later
# Finds every third-party package once, with messages that say which Debian package provides it.
# LibTorch is found by EmbedForgeTorch.cmake. The core build (EMBEDFORGE_CORE_ONLY) needs none of
# Qt, SQLite or QCustomPlot, and never looks for them.

find_package(nlohmann_json 3.9 REQUIRED) # Debian: nlohmann-json3-dev
if(NOT EMBEDFORGE_CORE_ONLY)
    find_package(Qt6 6.2 REQUIRED COMPONENTS Core Gui Widgets PrintSupport Network Concurrent Test LinguistTools)
    find_package(SQLite3 REQUIRED)           # libsqlite3-dev
    find_package(QCustomPlotQt6 REQUIRED)    # libqcustomplot-dev
endif()
