// The plain-C++ voice network (models/src/plain_voice_network.h), which runs every trained voice
// model outside training, computes what the LibTorch network it was trained as computes: same
// weights, same conditioning, the same controls to float rounding - for several shapes, and with
// the causal padding of the first frames. It also refuses weights of another shape by name.

#include "plain_voice_network.h"
#include "voice_net.h"

#include "accord/core/errors.h"

#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <random>
#include <vector>

using namespace accord;
using namespace accord::models;

namespace {

// The network's weights, every tensor (the zero-initialised head included) drawn at random.
std::vector<NamedArray> randomWeights(const voice::VoiceNetwork& network, std::uint64_t seed) {
    std::vector<NamedArray> weights = network.weights();
    std::mt19937_64 random(seed);
    std::normal_distribution<float> gauss(0.0f, 0.2f);
    for (NamedArray& array : weights)
        for (float& value : array.values)
            value = gauss(random);
    return weights;
}

} // namespace

class TestPlainVoiceNetwork : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameControlsAsTheTorchNetwork_data() {
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("frames");
        QTest::newRow("default shape") << 128 << 5 << 3 << 700;
        QTest::newRow("small") << 16 << 3 << 2 << 40;
        QTest::newRow("fewer frames than the receptive field") << 32 << 5 << 3 << 9;
        QTest::newRow("one frame") << 8 << 2 << 3 << 1;
    }
    void sameControlsAsTheTorchNetwork() {
        QFETCH(int, channels);
        QFETCH(int, layers);
        QFETCH(int, kernel);
        QFETCH(int, frames);
        voice::VoiceConfig config;
        config.channels = channels;
        config.layers = layers;
        config.kernel = kernel;
        voice::VoiceNetwork torchNetwork(config, 7);
        const std::vector<NamedArray> weights = randomWeights(torchNetwork, 11);
        torchNetwork.setWeights(weights, "random weights");
        const voice::PlainVoiceNetwork plain(config, weights, "random weights");

        std::mt19937_64 random(3);
        std::normal_distribution<float> gauss(0.0f, 1.0f);
        std::vector<float> conditioning(std::size_t(frames) * voice::kConditioningSize);
        for (float& value : conditioning)
            value = gauss(random);
        const std::vector<float> expected = torchNetwork.run(conditioning, frames);
        const std::vector<float> got = plain.run(conditioning, frames);
        QCOMPARE(got.size(), expected.size());
        double worst = 0, scale = 0;
        for (std::size_t i = 0; i < got.size(); ++i) {
            worst = std::max(worst, double(std::abs(got[i] - expected[i])));
            scale = std::max(scale, double(std::abs(expected[i])));
        }
        QVERIFY(scale > 0.1); // the check compares something
        QVERIFY2(worst <= 1e-5 * scale + 1e-6,
                 qPrintable(QString("largest difference %1 of %2").arg(worst).arg(scale)));
    }

    void weightsOfAnotherShapeAreRefusedByName() {
        voice::VoiceConfig config;
        config.channels = 16;
        const voice::VoiceNetwork network(config, 1);
        std::vector<NamedArray> weights = network.weights();
        voice::VoiceConfig wider = config;
        wider.channels = 32;
        QString message = test::errorOf<BadInput>(
            [&] { voice::PlainVoiceNetwork(wider, weights, "m.accordvoice"); });
        QVERIFY2(message.contains("m.accordvoice") && message.contains("input.weight"),
                 qPrintable(message));
        weights.pop_back();
        message = test::errorOf<BadInput>(
            [&] { voice::PlainVoiceNetwork(config, weights, "m.accordvoice"); });
        QVERIFY2(message.contains("m.accordvoice") && message.contains("tensors"),
                 qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestPlainVoiceNetwork)
#include "test_plain_voice_network.moc"
