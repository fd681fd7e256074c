# SPDX-License-Identifier: GPL-3.0-or-later
# The in-process tools on real files (included from tests/CMakeLists.txt).
gatehouse_add_test(NAME core.tools.files SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_filetools.cpp ${CMAKE_CURRENT_LIST_DIR}/toolfixture.h
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core agent)
gatehouse_add_test(NAME core.tools.search SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_searchtools.cpp ${CMAKE_CURRENT_LIST_DIR}/toolfixture.h
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core agent)
gatehouse_add_test(NAME core.tools.changes SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_filechange.cpp ${CMAKE_CURRENT_LIST_DIR}/toolfixture.h
    LIBRARIES Gatehouse::Core gatehouse_testsupport LABELS core agent)
