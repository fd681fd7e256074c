# SPDX-License-Identifier: GPL-3.0-or-later
# The model clients, against model servers on loopback written here in C++.

# The fake model server and a recorder of a client's signals: also linked by the agent's
# end-to-end tests.
add_library(gatehouse_fakemodel STATIC
    ${CMAKE_CURRENT_LIST_DIR}/fakemodelserver.cpp ${CMAKE_CURRENT_LIST_DIR}/fakemodelserver.h
    ${CMAKE_CURRENT_LIST_DIR}/fakemodelstreams.cpp
    ${CMAKE_CURRENT_LIST_DIR}/clientspies.cpp ${CMAKE_CURRENT_LIST_DIR}/clientspies.h)
target_include_directories(gatehouse_fakemodel PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(gatehouse_fakemodel PUBLIC Gatehouse::Core Qt6::Network Qt6::Test gatehouse_testsupport)

# The scenarios every HTTP client passes, compiled into each client's test.
set(gatehouse_httpscenarios ${CMAKE_CURRENT_LIST_DIR}/httpscenarios.cpp ${CMAKE_CURRENT_LIST_DIR}/httpscenarios.h
    ${CMAKE_CURRENT_LIST_DIR}/httpcancelscenarios.cpp)

gatehouse_add_test(NAME core.clients.sse SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_ssestream.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core agent)
gatehouse_add_test(NAME core.clients.anthropic
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_anthropicclient.cpp ${gatehouse_httpscenarios}
    LIBRARIES Gatehouse::Core gatehouse_fakemodel gatehouse_testsupport LABELS core agent)
gatehouse_add_test(NAME core.clients.openai
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_openaiclient.cpp ${gatehouse_httpscenarios}
    LIBRARIES Gatehouse::Core gatehouse_fakemodel gatehouse_testsupport LABELS core agent)
gatehouse_add_test(NAME core.clients.replay SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_replayclient.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core agent)
gatehouse_add_test(NAME core.clients.config SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_modelconfig.cpp
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core agent keychain)
