package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.ConvTuning;
import org.latentcl.backend.TestBackends;
import org.latentcl.metrics.TempCache;

/** bench conv's measurements and what --tune stores: the convolutions where the implicit GEMM won, which a new backend reads. */
class ConvTunerTest {
    @TempDir
    Path dir;

    @Test
    void theWinnersAreStoredAndANewBackendRunsThemImplicitly() throws Exception {
        ConvTuner.Layer wins = ConvTuner.LAYERS.get(5);
        ConvTuner.Layer loses = ConvTuner.LAYERS.get(0);
        ClBackend.LocalGemmConfig tiles = ImplicitConv.SMALL_TILES;
        try (var cache = TempCache.at(dir)) {
            ClBackend cl = TestBackends.cl();
            // 5% faster is kept; 4% is timing noise. The backward pass is chosen apart: here the other layer's.
            ClBackend.LocalGemmConfig back = ImplicitConv.DEFAULT_TILES;
            Path file = ConvTuner.save(cl, List.of(new ConvTuner.Row(wins, 2.0, 2.0, 1.9, tiles, 3.0, 2.9, back),
                    new ConvTuner.Row(loses, 1.0, 1.0, 0.96, tiles, 3.0, 2.8, back)));
            assertEquals(ConvTuning.file(cl.device()), file);
            try (ClBackend fresh = new ClBackend(cl.device())) {
                assertEquals(Map.of(wins.key(), tiles), fresh.convTuning().implicit());
                assertEquals(Map.of(loses.key(), back), fresh.convTuning().backward());
            }
        }
    }

    @Test
    void anotherBatchTakesTheModelsLayersThere() {
        List<ConvTuner.Layer> dcgan = ConvTuner.layers("dcgan", 2);
        assertEquals(4, dcgan.size());
        for (int i = 0; i < dcgan.size(); i++) {
            ConvTuner.Layer at64 = ConvTuner.LAYERS.get(2 + i);
            ConvShape s = dcgan.get(i).shape();
            assertEquals(new ConvShape(2, at64.shape().channels(), at64.shape().height(), at64.shape().width(), at64.shape().kh(),
                    at64.shape().kw(), at64.shape().stride(), at64.shape().pad()), s);
            assertEquals(at64.out(), dcgan.get(i).out());
            assertTrue(dcgan.get(i).inputGradient(), "the discriminator's input gradient reaches the generator");
        }
        assertEquals("2 64 14 14 > 128, 4 2 1", dcgan.get(1).describe());
        assertEquals(ConvTuning.key(2, 64, 14, 14, 128, 4, 4, 2, 1), dcgan.get(1).key(), "a tuning at batch 2 is stored under batch 2");
        assertEquals(ConvTuner.layers("all"), ConvTuner.layers("all", 0), "0: the models' training batches");
        assertFalse(ConvTuner.layers("convvae").get(0).inputGradient(), "the conv VAE's first layer reads the data");
    }

    @Test
    void aLayerIsTimedEveryWay() {
        ConvTuner.Layer last = ConvTuner.LAYERS.get(5);
        ConvTuner.Row r = ConvTuner.measure(TestBackends.cl(), last, (be, call) -> {
            long t0 = System.nanoTime();
            call.run();
            be.finish();
            return (System.nanoTime() - t0) / 1e6;
        });
        assertTrue(r.layers() > 0 && r.local() > 0 && r.implicit() > 0 && r.backLayers() > 0 && r.backImplicit() > 0, r.toString());
        assertNotNull(r.tiles());
        assertNotNull(r.backTiles());
        assertEquals("64 256 3 3 > 1, 3 1 0", last.describe());
    }

    @Test
    void severalLayersAreTimedInTheirOrderOnOneBuildPerTile() {
        List<ConvTuner.Layer> two = ConvTuner.layers("dcgan", 2).subList(2, 4);
        List<ConvTuner.Row> rows = ConvTuner.measure(TestBackends.cl(), two, (be, call) -> {
            call.run();
            be.finish();
            return 1.0;
        });
        assertEquals(two, rows.stream().map(ConvTuner.Row::layer).toList(), "one row a layer, in order");
        assertTrue(rows.stream().allMatch(r -> r.tiles() != null && r.backTiles() != null), rows.toString());
    }
}
