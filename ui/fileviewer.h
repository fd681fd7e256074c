// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPlainTextEdit>
#include <QString>

namespace KSyntaxHighlighting {
class Repository;
class SyntaxHighlighter;
} // namespace KSyntaxHighlighting

namespace gatehouse::ui {

/// The syntax definitions and themes, loaded once for the whole program (it reads hundreds of
/// definition files, so it is not made per view).
KSyntaxHighlighting::Repository &syntaxRepository();

/// A read-only view of one file, highlighted by the syntax definition that its name selects,
/// in a theme that follows the palette (a dark theme on a dark palette). The seed of the
/// side-by-side diff view.
class FileViewer final : public QPlainTextEdit
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileViewer)

public:
    /// Larger files are not shown (a message says so).
    static constexpr qint64 maxFileBytes = 8 * 1024 * 1024;

    explicit FileViewer(QWidget *parent = nullptr);
    ~FileViewer() override;

    /// Shows @p path. Returns false, and shows why instead of the content, for a file that
    /// cannot be read, is too large or is binary.
    bool openFile(const QString &path);
    void clearFile();

    QString filePath() const { return m_path; }
    /// Name of the syntax definition in use ("C++", "Markdown"...); empty when none applies.
    QString definitionName() const;
    /// Name of the theme in use.
    QString themeName() const;
    bool isDarkTheme() const;

Q_SIGNALS:
    void fileOpened(const QString &path);

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyTheme();
    void showMessage(const QString &message);

    KSyntaxHighlighting::SyntaxHighlighter *m_highlighter;
    QString m_path;
};

} // namespace gatehouse::ui
