// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <expected>

namespace gatehouse {

/// An ordinary failure, with a message fit to show a person.
struct Error
{
    QString message;
};

template<typename T>
using Expected = std::expected<T, Error>;

inline std::unexpected<Error> fail(QString message)
{
    return std::unexpected<Error>(Error{std::move(message)});
}

} // namespace gatehouse
