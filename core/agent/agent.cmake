# SPDX-License-Identifier: GPL-3.0-or-later
# The agent: conversation, model clients, tools, the loop (included from core/CMakeLists.txt).
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/message.cpp ${CMAKE_CURRENT_LIST_DIR}/message.h
    ${CMAKE_CURRENT_LIST_DIR}/modelclient.h
    ${CMAKE_CURRENT_LIST_DIR}/tool.h
    ${CMAKE_CURRENT_LIST_DIR}/bashtool.cpp ${CMAKE_CURRENT_LIST_DIR}/bashtool.h
    ${CMAKE_CURRENT_LIST_DIR}/htmltext.cpp ${CMAKE_CURRENT_LIST_DIR}/htmltext.h
    ${CMAKE_CURRENT_LIST_DIR}/webfetcher.cpp ${CMAKE_CURRENT_LIST_DIR}/webfetcher.h
    ${CMAKE_CURRENT_LIST_DIR}/agentsession.cpp ${CMAKE_CURRENT_LIST_DIR}/agentsession.h
    ${CMAKE_CURRENT_LIST_DIR}/settingswatch.cpp ${CMAKE_CURRENT_LIST_DIR}/settingswatch.h
    ${CMAKE_CURRENT_LIST_DIR}/systemprompt.cpp ${CMAKE_CURRENT_LIST_DIR}/systemprompt.h
)
