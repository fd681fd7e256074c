// SPDX-License-Identifier: GPL-3.0-or-later
#include "fileviewer.h"

#include "log/logging.h"
#include "log/qtformat.h"

#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>

#include <QApplication>
#include <QEvent>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QStringDecoder>

namespace gatehouse::ui {

KSyntaxHighlighting::Repository &syntaxRepository()
{
    static KSyntaxHighlighting::Repository repository;
    return repository;
}

FileViewer::FileViewer(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_highlighter(new KSyntaxHighlighting::SyntaxHighlighter(document()))
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    applyTheme();
}

FileViewer::~FileViewer() = default;

void FileViewer::showMessage(const QString &message)
{
    m_highlighter->setDefinition(KSyntaxHighlighting::Definition());
    setPlainText(message);
}

bool FileViewer::openFile(const QString &path)
{
    m_path = path;
    QFile file(path);
    const QFileInfo info(path);
    if (info.isDir()) {
        showMessage(tr("%1 is a folder.").arg(path));
        return false;
    }
    if (info.size() > maxFileBytes) {
        showMessage(tr("%1 is too large to show (%2 MiB; the limit is %3 MiB).")
                        .arg(path)
                        .arg(double(info.size()) / (1024.0 * 1024.0), 0, 'f', 1)
                        .arg(maxFileBytes / (1024 * 1024)));
        return false;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        showMessage(tr("Cannot read %1: %2").arg(path, file.errorString()));
        return false;
    }
    const QByteArray bytes = file.readAll();
    // A NUL byte in the first block is how git decides that a file is binary, too.
    if (bytes.left(8000).contains('\0')) {
        showMessage(tr("%1 is a binary file.").arg(path));
        return false;
    }
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder.decode(bytes);

    const auto definition = syntaxRepository().definitionForFileName(path);
    m_highlighter->setDefinition(definition);
    setPlainText(text);
    log::logger("ui")->debug("viewer: {} ({} bytes, syntax {})", path, bytes.size(),
                             definition.isValid() ? definition.name() : QStringLiteral("none"));
    Q_EMIT fileOpened(path);
    return true;
}

void FileViewer::clearFile()
{
    m_path.clear();
    showMessage(QString());
}

QString FileViewer::definitionName() const
{
    const auto definition = m_highlighter->definition();
    return definition.isValid() ? definition.name() : QString();
}

QString FileViewer::themeName() const { return m_highlighter->theme().name(); }

bool FileViewer::isDarkTheme() const
{
    const auto theme = m_highlighter->theme();
    return QColor::fromRgba(theme.editorColor(KSyntaxHighlighting::Theme::BackgroundColor)).lightness() < 128;
}

void FileViewer::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyTheme();
}

void FileViewer::applyTheme()
{
    // Decide by the palette this widget inherits, not by its own: applyTheme() sets the
    // colours of its own palette from the theme, which must not lock the choice in.
    const QPalette inherited = parentWidget() ? parentWidget()->palette() : QApplication::palette();
    const auto theme = syntaxRepository().themeForPalette(inherited);
    if (theme.name() == m_highlighter->theme().name() && theme.isValid())
        return;
    m_highlighter->setTheme(theme);
    // The editor's colours come from the theme too, or dark text lands on a dark background.
    QPalette p = palette();
    const auto color = [&theme](KSyntaxHighlighting::Theme::EditorColorRole role) {
        return QColor::fromRgba(theme.editorColor(role));
    };
    p.setColor(QPalette::Base, color(KSyntaxHighlighting::Theme::BackgroundColor));
    p.setColor(QPalette::Text, QColor::fromRgba(theme.textColor(KSyntaxHighlighting::Theme::Normal)));
    p.setColor(QPalette::Highlight, color(KSyntaxHighlighting::Theme::TextSelection));
    setPalette(p);
    m_highlighter->rehighlight();
}

} // namespace gatehouse::ui
