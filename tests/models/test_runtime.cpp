// The LibTorch runtime: configureRuntime applies the thread count it reports, names the Torch
// version, tells honestly which BLAS serves matrix products, and products are right.

#include "accord/models/runtime.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <QtTest/QtTest>

#include <atomic>
#include <vector>

using accord::models::configureRuntime;
using accord::models::RuntimeInfo;

namespace {

// The largest number of distinct ATen worker threads one parallel_for actually ran on.
int observedParallelThreads() {
    std::atomic<int> highest{0};
    at::parallel_for(0, 256, 1, [&](int64_t, int64_t) {
        const int mine = at::get_thread_num() + 1;
        int seen = highest.load();
        while (mine > seen && !highest.compare_exchange_weak(seen, mine)) {
        }
    });
    return highest.load();
}

at::Tensor fromRows(const std::vector<std::vector<float>>& rows) {
    const auto height = static_cast<int64_t>(rows.size());
    const auto width = static_cast<int64_t>(rows.front().size());
    at::Tensor tensor = at::empty({height, width}, at::kFloat);
    auto cell = tensor.accessor<float, 2>();
    for (int64_t r = 0; r < height; ++r)
        for (int64_t c = 0; c < width; ++c)
            cell[r][c] = rows[static_cast<size_t>(r)][static_cast<size_t>(c)];
    return tensor;
}

} // namespace

class TestRuntime : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cleanupTestCase() { configureRuntime(0); }

    void reportsTheTorchVersion() {
        const RuntimeInfo info = configureRuntime(1);
        QCOMPARE(QString::fromStdString(info.torchVersion), QStringLiteral(TORCH_VERSION));
        QVERIFY(info.torchVersion.rfind("1.", 0) == 0);
        const std::string text = accord::models::describeRuntime(info);
        QVERIFY2(text.find("LibTorch " + info.torchVersion) != std::string::npos, text.c_str());
        QVERIFY2(text.find("1 thread,") != std::string::npos, text.c_str());
    }

    void appliesTheThreadCount() {
        RuntimeInfo info = configureRuntime(1);
        QCOMPARE(info.threads, 1);
        QCOMPARE(at::get_num_threads(), 1);
        QCOMPARE(observedParallelThreads(), 1);

        info = configureRuntime(2);
        QCOMPARE(info.threads, 2);
        QCOMPARE(at::get_num_threads(), 2);
        QCOMPARE(observedParallelThreads(), 2);

        info = configureRuntime(0); // 0: the cores this process may run on
        QCOMPARE(info.threads, accord::models::usableCores());
        QCOMPARE(at::get_num_threads(), accord::models::usableCores());
        QVERIFY(accord::models::usableCores() >= 1);
    }

    void usesAnOptimisedBlas() {
        const RuntimeInfo info = configureRuntime(0);
        QVERIFY(!info.blas.empty());
        // scripts/install-deps.sh installs libopenblas0-pthread, which Debian's alternatives
        // make the libblas.so.3 that LibTorch loads; without it products are ~10x slower.
        QVERIFY2(info.optimisedBlas,
                 ("expected OpenBLAS to serve sgemm_, found: " + info.blas).c_str());
        QVERIFY2(info.blas.find("OpenBLAS") != std::string::npos, info.blas.c_str());
    }

    void matmulMatchesAHandComputation() {
        configureRuntime(2);
        const at::Tensor a = fromRows({{1, 2, 3}, {4, 5, 6}});
        const at::Tensor b = fromRows({{7, 8}, {9, 10}, {11, 12}});
        const at::Tensor product = at::mm(a, b);
        // 1*7+2*9+3*11 = 58, 1*8+2*10+3*12 = 64, 4*7+5*9+6*11 = 139, 4*8+5*10+6*12 = 154
        auto cell = product.accessor<float, 2>();
        QCOMPARE(product.size(0), int64_t{2});
        QCOMPARE(product.size(1), int64_t{2});
        QCOMPARE(cell[0][0], 58.0f);
        QCOMPARE(cell[0][1], 64.0f);
        QCOMPARE(cell[1][0], 139.0f);
        QCOMPARE(cell[1][1], 154.0f);
    }

    void largerMatmulMatchesPlainLoops() {
        // Large enough that OpenBLAS takes its blocked, multi-threaded path.
        configureRuntime(2);
        constexpr int64_t rows = 97, inner = 131, cols = 83;
        at::Tensor a = at::empty({rows, inner}, at::kFloat);
        at::Tensor b = at::empty({inner, cols}, at::kFloat);
        auto ca = a.accessor<float, 2>();
        auto cb = b.accessor<float, 2>();
        for (int64_t i = 0; i < rows; ++i)
            for (int64_t k = 0; k < inner; ++k)
                ca[i][k] = static_cast<float>((i * 7 + k * 3) % 11) - 5.0f;
        for (int64_t k = 0; k < inner; ++k)
            for (int64_t j = 0; j < cols; ++j)
                cb[k][j] = static_cast<float>((k * 5 + j * 2) % 13) - 6.0f;

        const at::Tensor product = at::mm(a, b);
        auto cp = product.accessor<float, 2>();
        for (int64_t i = 0; i < rows; ++i) {
            for (int64_t j = 0; j < cols; ++j) {
                double expected = 0;
                for (int64_t k = 0; k < inner; ++k)
                    expected += static_cast<double>(ca[i][k]) * static_cast<double>(cb[k][j]);
                // Small integers: every partial sum is exact in float.
                if (static_cast<double>(cp[i][j]) != expected)
                    QFAIL(qPrintable(QStringLiteral("product[%1][%2] = %3, expected %4")
                                         .arg(i)
                                         .arg(j)
                                         .arg(static_cast<double>(cp[i][j]))
                                         .arg(expected)));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestRuntime)
#include "test_runtime.moc"
