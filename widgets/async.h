// SPDX-License-Identifier: GPL-3.0-or-later
// runAsync: run work on a pool, then deliver its result to done on the context's thread.
//
// The GUI's one pattern for I/O off the GUI thread: work runs on pool (never the GUI thread);
// done runs on context's thread when it finishes, and not at all if context was destroyed
// first. Work must not touch widgets; it gets copies of what it needs.
#pragma once

#include <type_traits>
#include <utility>

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

namespace ef {

template <typename Work, typename Done> void runAsync(QThreadPool *pool, QObject *context, Work &&work, Done &&done)
{
    using Result = std::invoke_result_t<std::decay_t<Work>>;
    auto *watcher = new QFutureWatcher<Result>(context);
    QObject::connect(watcher, &QFutureWatcher<Result>::finished, context,
                     [watcher, done = std::forward<Done>(done)]() mutable {
                         watcher->deleteLater();
                         if constexpr (std::is_void_v<Result>)
                             done();
                         else
                             done(watcher->result());
                     });
    watcher->setFuture(QtConcurrent::run(pool, std::forward<Work>(work)));
}

} // namespace ef
