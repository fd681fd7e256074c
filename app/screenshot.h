// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace gatehouse::ui {
class MainWindow;
}

namespace gatehouse::app {

/// Once @p window is on screen and shows its git state, saves a PNG of it to @p path, prints
/// where, and quits the application (exit status 0 on success, 1 if the file could not be
/// written). This is how the run command shows that the app works on a machine without a display.
void screenshotAndQuit(ui::MainWindow *window, const QString &path);

} // namespace gatehouse::app
