package org.latentcl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event file as TensorBoard reads it, checked by a reader written apart from the writer (TensorBoardReader). */
class TensorBoardEventsTest {
    @TempDir
    Path dir;

    @Test
    void theReadersChecksumIsCrc32cByItsCheckValue() {
        // The check value of CRC-32C (RFC 3720, appendix B.4): the CRC of the ASCII digits 1 to 9.
        byte[] digits = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xE3069283, TensorBoardReader.crc32c(digits, 0, digits.length));
    }

    @Test
    void scalarsAndImagesReadBackAsWritten() throws Exception {
        BufferedImage img = new BufferedImage(5, 7, BufferedImage.TYPE_INT_RGB);
        img.setRGB(2, 3, 0x123456);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        Path file = dir.resolve("events.out.tfevents.1.test");
        TensorBoardEvents events = new TensorBoardEvents(file, 1700000000.25);
        events.scalar("test_loss", 3, 1700000001.5, 1.25f);
        events.scalar("d_loss", 300, 1700000002.5, -0.5f);
        events.image("samples", 300, 1700000002.5, png.toByteArray());
        events.flush();

        List<TensorBoardReader.Event> read = TensorBoardReader.read(Files.readAllBytes(file));
        assertEquals(4, read.size());
        assertEquals("brain.Event:2", read.get(0).fileVersion());
        assertEquals(1700000000.25, read.get(0).wallTime());
        TensorBoardReader.Value loss = read.get(1).values().get(0);
        assertEquals(3, read.get(1).step());
        assertEquals(1700000001.5, read.get(1).wallTime());
        assertEquals("test_loss", loss.tag());
        assertEquals(1.25f, loss.scalar());
        assertNull(read.get(1).fileVersion());
        // A step past 127 takes a varint of two bytes.
        assertEquals(300, read.get(2).step());
        assertEquals(-0.5f, read.get(2).values().get(0).scalar());
        TensorBoardReader.Value image = read.get(3).values().get(0);
        assertEquals("samples", image.tag());
        assertEquals(5, image.width());
        assertEquals(7, image.height());
        assertEquals(3, image.colorspace());
        assertArrayEquals(png.toByteArray(), image.png());
    }

    @Test
    void eachFlushRewritesTheWholeFileAndTheReaderRefusesDamage() throws Exception {
        Path file = dir.resolve("events.out.tfevents.2.test");
        TensorBoardEvents events = new TensorBoardEvents(file, 1);
        events.scalar("a", 1, 2, 1f);
        events.flush();
        byte[] first = Files.readAllBytes(file);
        events.scalar("a", 2, 3, 2f);
        events.flush();
        byte[] second = Files.readAllBytes(file);
        assertArrayEquals(first, Arrays.copyOf(second, first.length), "the earlier records stay as they were");
        assertEquals(3, TensorBoardReader.read(second).size());

        byte[] flipped = second.clone();
        flipped[second.length - 6] ^= 1;
        assertThrows(IllegalStateException.class, () -> TensorBoardReader.read(flipped));
        assertThrows(IllegalStateException.class, () -> TensorBoardReader.read(Arrays.copyOf(second, second.length - 2)));
        assertThrows(IllegalArgumentException.class, () -> events.image("x", 1, 1, new byte[30]), "not a PNG");
    }
}
