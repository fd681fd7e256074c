// SPDX-License-Identifier: GPL-3.0-or-later
// The highlighted file viewer in a real window: the syntax definition chosen by file name,
// formats really applied to the text, and a theme that follows the palette.
#include "fileviewer.h"

#include "testenv.h"

#include <QApplication>
#include <QPalette>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>

using gatehouse::ui::FileViewer;
namespace test = gatehouse::test;

namespace {

QPalette paletteWithBase(const QColor &base, const QColor &text)
{
    QPalette p = QApplication::palette();
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::Window, base);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::WindowText, text);
    return p;
}

// The distinct foreground colours the highlighter gave to the characters of the first block.
QSet<QRgb> colorsOfFirstBlock(FileViewer &viewer)
{
    QSet<QRgb> colors;
    const QTextBlock block = viewer.document()->firstBlock();
    const auto formats = block.layout()->formats();
    for (const QTextLayout::FormatRange &range : formats)
        if (range.format.hasProperty(QTextFormat::ForegroundBrush))
            colors.insert(range.format.foreground().color().rgb());
    return colors;
}

} // namespace

class TestFileViewer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        test::requireIsolatedEnvironment();
        QVERIFY2(QGuiApplication::platformName() == QStringLiteral("xcb"), "GUI tests run on a real X server (Xvfb)");
    }

    void init() { QApplication::setPalette(paletteWithBase(Qt::white, Qt::black)); }

    void choosesDefinitionByFileName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("definition");
        QTest::newRow("C++ source") << "main.cpp" << QByteArray("int main() { return 0; } // done\n") << "C++";
        QTest::newRow("C++ header") << "widget.h" << QByteArray("#pragma once\nclass Widget;\n") << "C++";
        QTest::newRow("Python") << "tool.py" << QByteArray("def run():\n    return 1\n") << "Python";
        QTest::newRow("Markdown") << "README.md" << QByteArray("# Title\n\nText\n") << "Markdown";
        QTest::newRow("CMake") << "CMakeLists.txt" << QByteArray("add_library(x STATIC a.cpp)\n") << "CMake";
        QTest::newRow("JSON") << "settings.json" << QByteArray("{\"permissions\": {\"deny\": []}}\n") << "JSON";
        QTest::newRow("shell") << "build.sh" << QByteArray("#!/bin/sh\necho hi\n") << "Bash";
        QTest::newRow("no known syntax") << "notes.unknownext" << QByteArray("plain words\n") << "";
    }

    void choosesDefinitionByFileName()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, definition);
        QTemporaryDir dir;
        const QString path = dir.filePath(name);
        test::writeFile(path, content);

        FileViewer viewer;
        viewer.resize(600, 400);
        viewer.show();
        QVERIFY(QTest::qWaitForWindowExposed(&viewer));
        QSignalSpy opened(&viewer, &FileViewer::fileOpened);
        QVERIFY(viewer.openFile(path));
        QCOMPARE(opened.size(), 1);
        QCOMPARE(viewer.definitionName(), definition);
        QCOMPARE(viewer.toPlainText(), QString::fromUtf8(content));
        QVERIFY(viewer.isReadOnly());
    }

    void highlightingColoursKeywordsAndComments()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a.cpp"));
        test::writeFile(path, "int main() { return 0; } // a comment\n");
        FileViewer viewer;
        viewer.show();
        QVERIFY(QTest::qWaitForWindowExposed(&viewer));
        QVERIFY(viewer.openFile(path));
        // Highlighting runs per block; "int", the number and the comment get different colours.
        QTRY_VERIFY(colorsOfFirstBlock(viewer).size() >= 2);

        // The same text under a name with no syntax is all in the theme's one normal colour.
        const QString plain = dir.filePath(QStringLiteral("a.unknownext"));
        test::writeFile(plain, "int main() { return 0; } // a comment\n");
        QVERIFY(viewer.openFile(plain));
        QCoreApplication::processEvents();
        QVERIFY(colorsOfFirstBlock(viewer).size() <= 1);
    }

    void themeFollowsThePalette()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a.cpp"));
        test::writeFile(path, "int x = 1;\n");

        FileViewer viewer;
        viewer.show();
        QVERIFY(QTest::qWaitForWindowExposed(&viewer));
        QVERIFY(viewer.openFile(path));
        QVERIFY(!viewer.isDarkTheme());
        const QString lightTheme = viewer.themeName();
        QVERIFY(viewer.palette().color(QPalette::Base).lightness() > 128);

        // The desktop switches to a dark palette while the file is open.
        QApplication::setPalette(paletteWithBase(QColor(0x20, 0x20, 0x24), QColor(0xee, 0xee, 0xee)));
        QTRY_VERIFY(viewer.isDarkTheme());
        QVERIFY(viewer.themeName() != lightTheme);
        QVERIFY(viewer.palette().color(QPalette::Base).lightness() < 128);

        // and back
        QApplication::setPalette(paletteWithBase(Qt::white, Qt::black));
        QTRY_COMPARE(viewer.themeName(), lightTheme);
    }

    void refusesWhatItCannotShow()
    {
        QTemporaryDir dir;
        FileViewer viewer;

        const QString binary = dir.filePath(QStringLiteral("image.bin"));
        test::writeFile(binary, QByteArray("PNG\0\0\x01\x02", 7));
        QVERIFY(!viewer.openFile(binary));
        QVERIFY(viewer.toPlainText().contains(QStringLiteral("binary")));
        QVERIFY(viewer.definitionName().isEmpty());

        const QString missing = dir.filePath(QStringLiteral("missing.cpp"));
        QVERIFY(!viewer.openFile(missing));
        QVERIFY(viewer.toPlainText().contains(QStringLiteral("Cannot read")));

        const QString large = dir.filePath(QStringLiteral("large.txt"));
        QFile file(large);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(FileViewer::maxFileBytes + 1));
        file.close();
        QVERIFY(!viewer.openFile(large));
        QVERIFY(viewer.toPlainText().contains(QStringLiteral("too large")));

        QVERIFY(!viewer.openFile(dir.path()));
        QVERIFY(viewer.toPlainText().contains(QStringLiteral("folder")));
    }
};

QTEST_MAIN(TestFileViewer)
#include "tst_fileviewer.moc"
