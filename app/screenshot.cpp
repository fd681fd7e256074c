// SPDX-License-Identifier: GPL-3.0-or-later
#include "screenshot.h"

#include "mainwindow.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QPixmap>
#include <QTimer>

#include <cstdio>

namespace gatehouse::app {

void screenshotAndQuit(ui::MainWindow *window, const QString &path)
{
    auto take = [window, path] {
        const QString absolute = QFileInfo(path).absoluteFilePath();
        QDir().mkpath(QFileInfo(absolute).absolutePath());
        const bool saved = window->grab().save(absolute, "PNG");
        if (saved)
            std::fprintf(stdout, "Saved a screenshot of the main window (%dx%d) to %s\n", window->width(),
                         window->height(), qPrintable(absolute));
        else
            std::fprintf(stderr, "gatehouse: could not write the screenshot to %s\n", qPrintable(absolute));
        std::fflush(stdout);
        QCoreApplication::exit(saved ? 0 : 1);
    };
    // Wait until the git status is on screen (or give up waiting after a while), then let one
    // more event-loop turn paint it.
    auto fired = std::make_shared<bool>(false);
    auto once = [take, fired] {
        if (*fired)
            return;
        *fired = true;
        QTimer::singleShot(200, take);
    };
    QObject::connect(window, &ui::MainWindow::statusShown, window, once);
    QTimer::singleShot(10000, window, once);
}

} // namespace gatehouse::app
