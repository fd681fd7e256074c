# SPDX-License-Identifier: GPL-3.0-or-later
# The model clients: Anthropic Messages API, OpenAI-compatible chat completions, scripted replay
# (included from core/CMakeLists.txt).
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/clients/anthropicclient.cpp ${CMAKE_CURRENT_LIST_DIR}/clients/anthropicclient.h
    ${CMAKE_CURRENT_LIST_DIR}/clients/httpmodelclient.cpp ${CMAKE_CURRENT_LIST_DIR}/clients/httpmodelclient.h
    ${CMAKE_CURRENT_LIST_DIR}/clients/modelconfig.cpp ${CMAKE_CURRENT_LIST_DIR}/clients/modelconfig.h
    ${CMAKE_CURRENT_LIST_DIR}/clients/openaiclient.cpp ${CMAKE_CURRENT_LIST_DIR}/clients/openaiclient.h
    ${CMAKE_CURRENT_LIST_DIR}/clients/replayclient.cpp ${CMAKE_CURRENT_LIST_DIR}/clients/replayclient.h
    ${CMAKE_CURRENT_LIST_DIR}/clients/retrypolicy.cpp ${CMAKE_CURRENT_LIST_DIR}/clients/retrypolicy.h
    ${CMAKE_CURRENT_LIST_DIR}/clients/ssestream.cpp ${CMAKE_CURRENT_LIST_DIR}/clients/ssestream.h
)
