// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace gatehouse::agent {

/// The readable text of an HTML page, for WebFetch: scripts, styles, the head and comments
/// dropped, block elements on lines of their own, list items and headings marked, character
/// references decoded, whitespace collapsed. Not a browser: malformed markup gives text, never
/// a failure. (The core links no QtGui, so QTextDocument is not available here.)
QString htmlToText(const QString &html);

} // namespace gatehouse::agent
