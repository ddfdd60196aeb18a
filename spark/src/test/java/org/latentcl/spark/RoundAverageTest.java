package org.latentcl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentcl.io.Json;
import org.latentcl.io.Safetensors;

/** The driver's merge of a round's tasks, on made-up run files. */
class RoundAverageTest {
    private static Map<String, byte[]> task(float[] weight, float bnCount, float[] moment, String recon, String stats, String seconds, String epoch) {
        Map<String, String> meta = new LinkedHashMap<>(Map.of("epoch", epoch, "rng_counter", "42", "next_step", "3"));
        byte[] checkpoint = Safetensors.encode(meta, List.of(new Safetensors.Entry("w", new int[] {weight.length}, weight),
                new Safetensors.Entry("bn.num_batches_tracked", "I64", new int[] {1}, new float[] {bnCount})));
        Map<String, String> state = new LinkedHashMap<>(meta);
        state.put("partial_recon", recon);
        state.put("partial_kl", "1.0");
        state.put("partial_stats", stats);
        state.put("partial_seconds", seconds);
        state.put("partial_judged", "64,32");
        byte[] st = Safetensors.encode(state, List.of(new Safetensors.Entry("adam.m", new int[] {moment.length}, moment)));
        return Map.of("checkpoint.safetensors", checkpoint, "state.safetensors", st, "metrics.jsonl", ("task " + recon).getBytes());
    }

    @Test
    void floatTensorsAreAveragedInTaskOrderAndTheEpochsSumsAdded() {
        Map<String, byte[]> a = task(new float[] {1f, 2f, -3f}, 7, new float[] {0.5f}, "10.5", Json.write(List.of("1.0", "2.0")), "3.5", "4");
        Map<String, byte[]> b = task(new float[] {3f, 2f, 0f}, 7, new float[] {1.5f}, "20.25", Json.write(List.of("0.5", "-1.0")), "4.25", "4");
        Map<String, byte[]> merged = RoundAverage.merge(List.of(a, b));
        Safetensors.Contents c = Safetensors.read("checkpoint", merged.get("checkpoint.safetensors"));
        assertArrayEquals(new float[] {2f, 2f, -1.5f}, c.tensors().get("w").data());
        assertEquals("I64", c.tensors().get("bn.num_batches_tracked").dtype());
        assertArrayEquals(new float[] {7f}, c.tensors().get("bn.num_batches_tracked").data(), "whole numbers are task 0's");
        Safetensors.Contents s = Safetensors.read("state", merged.get("state.safetensors"));
        assertArrayEquals(new float[] {1f}, s.tensors().get("adam.m").data(), "the moments are averaged too");
        assertEquals("30.75", s.metadata().get("partial_recon"));
        assertEquals("2.0", s.metadata().get("partial_kl"));
        assertEquals(List.of("1.5", "1.0"), Json.parse(s.metadata().get("partial_stats")));
        assertEquals("4.25", s.metadata().get("partial_seconds"), "the longest task's time");
        assertEquals("64,32", s.metadata().get("partial_judged"), "counts of the whole batch, alike in every task");
        assertEquals("task 10.5", new String(merged.get("metrics.jsonl")), "other files are task 0's");
    }

    @Test
    void oneTaskPassesThroughAndTheNextRoundsSumsAreTask0s() {
        Map<String, byte[]> a = task(new float[] {1f}, 1, new float[] {0.5f}, "10.5", Json.write(List.of("1.0")), "3.5", "4");
        assertSame(a, RoundAverage.merge(List.of(a)));
        assertSame(a, RoundAverage.forTask(a, 0));
        Safetensors.Contents other = Safetensors.read("state", RoundAverage.forTask(a, 1).get("state.safetensors"));
        assertEquals("0.0", other.metadata().get("partial_recon"));
        assertEquals("0.0", other.metadata().get("partial_kl"));
        assertEquals(List.of("0.0"), Json.parse(other.metadata().get("partial_stats")));
        assertEquals("3", other.metadata().get("next_step"), "the position stays");
        assertArrayEquals(new float[] {0.5f}, other.tensors().get("adam.m").data());
        assertArrayEquals(a.get("checkpoint.safetensors"), RoundAverage.forTask(a, 1).get("checkpoint.safetensors"));
    }

    @Test
    void tasksThatEndedAtDifferentPositionsAreAnError() {
        Map<String, byte[]> a = task(new float[] {1f}, 1, new float[] {0.5f}, "1.0", Json.write(List.of("1.0")), "1.0", "4");
        Map<String, byte[]> b = task(new float[] {1f}, 1, new float[] {0.5f}, "1.0", Json.write(List.of("1.0")), "1.0", "5");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RoundAverage.merge(List.of(a, b)));
        assertTrue(e.getMessage().contains("epoch is 4 in task 0's checkpoint.safetensors but 5 in task 1's"), e.getMessage());
    }
}
