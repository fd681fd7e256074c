// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the shell parser and the command analysis behind it must never crash,
// hang or read out of bounds, whatever the input, and must keep their invariants.
#include "shell/commands.h"
#include "shell/describe.h"
#include "shell/syntax.h"

#include <QString>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace gatehouse::shell;
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const ParseResult result = parse(text);
    if (!result.ok) {
        // A refusal says why and where.
        if (result.error.isEmpty() || result.errorOffset < 0)
            std::abort();
        return 0;
    }
    QList<NormalisedCommand> all;
    all.reserve(result.commands.size());
    for (const SimpleCommand &command : result.commands) {
        if (command.offset < 0 || command.length < 0)
            std::abort();
        for (const Word &word : command.words)
            if (word.offset < 0 || word.offset > text.size() || word.raw.isEmpty())
                std::abort();
        const NormalisedCommand normalised = normalise(command);
        readOnlyUse(normalised);
        commandRisks(normalised, command);
        if (describeCommand(normalised, command).isEmpty())
            std::abort();
        all << normalised;
    }
    QList<const NormalisedCommand *> pointers;
    for (const NormalisedCommand &normalised : std::as_const(all))
        pointers << &normalised;
    lineRisks(result, std::span(pointers.constData(), std::size_t(pointers.size())));
    textRisks(text);
    return 0;
}
