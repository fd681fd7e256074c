# SPDX-License-Identifier: GPL-3.0-or-later
# The in-process tools: definitions for the model, Read/Glob/Grep, Edit/Write (included from core/CMakeLists.txt).
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/tools/applychange.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tools/filechange.h
    ${CMAKE_CURRENT_LIST_DIR}/tools/filesupport.cpp ${CMAKE_CURRENT_LIST_DIR}/tools/filesupport_p.h
    ${CMAKE_CURRENT_LIST_DIR}/tools/filetools.h
    ${CMAKE_CURRENT_LIST_DIR}/tools/globtool.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tools/greptool.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tools/prepare.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tools/readtool.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tools/tooldefinitions.cpp ${CMAKE_CURRENT_LIST_DIR}/tools/tooldefinitions.h
    ${CMAKE_CURRENT_LIST_DIR}/tools/walk.cpp ${CMAKE_CURRENT_LIST_DIR}/tools/walk_p.h
)
