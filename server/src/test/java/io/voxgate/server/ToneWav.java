package io.voxgate.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sine tones as 16-bit mono WAV files, and the dominant frequency of a recorded one. */
final class ToneWav {

    private ToneWav() {
    }

    /** Writes {@code seconds} of a {@code hz} sine at {@code sampleRate}, 16-bit mono PCM. */
    static void write(Path file, int hz, int sampleRate, int seconds) throws IOException {
        int samples = sampleRate * seconds;
        ByteBuffer wav = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes()).putInt(36 + 2 * samples).put("WAVE".getBytes())
                .put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1) // PCM, mono
                .putInt(sampleRate).putInt(2 * sampleRate).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(2 * samples);
        for (int i = 0; i < samples; i++) {
            wav.putShort((short) Math.round(8_000 * Math.sin(2 * Math.PI * hz * i / sampleRate)));
        }
        Files.write(file, wav.array());
    }

    /**
     * The frequency, in 10 Hz steps from 100 to 2000 Hz, with the most energy in a 16-bit mono WAV
     * file (Goertzel per step). Reads to the end of the file: a recorder still writing, or killed,
     * may not have filled in the data chunk's length.
     */
    static int dominantFrequency(Path file) throws IOException {
        ByteBuffer wav = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int sampleRate = 0;
        int position = 12; // past RIFF, size, WAVE
        while (position + 8 <= wav.limit()) {
            String chunk = new String(wav.array(), position, 4, java.nio.charset.StandardCharsets.US_ASCII);
            int size = wav.getInt(position + 4);
            if (chunk.equals("fmt ")) {
                if (wav.getShort(position + 10) != 1 || wav.getShort(position + 22) != 16) {
                    throw new IOException(file + ": expected 16-bit mono, got " + wav.getShort(position + 10)
                            + " channel(s) of " + wav.getShort(position + 22) + " bits");
                }
                sampleRate = wav.getInt(position + 12);
            } else if (chunk.equals("data")) {
                position += 8;
                break;
            }
            position += 8 + size + (size & 1);
        }
        int samples = (wav.limit() - position) / 2;
        if (sampleRate == 0 || samples < sampleRate / 2) {
            throw new IOException(file + ": " + samples + " samples at " + sampleRate + " Hz: too short to analyse");
        }
        double[] x = new double[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = wav.getShort(position + 2 * i);
        }
        int best = 0;
        double bestPower = -1;
        for (int hz = 100; hz <= 2000; hz += 10) {
            double power = goertzelPower(x, hz, sampleRate);
            if (power > bestPower) {
                bestPower = power;
                best = hz;
            }
        }
        return best;
    }

    private static double goertzelPower(double[] x, int hz, int sampleRate) {
        double coefficient = 2 * Math.cos(2 * Math.PI * hz / sampleRate);
        double previous = 0;
        double beforePrevious = 0;
        for (double sample : x) {
            double current = sample + coefficient * previous - beforePrevious;
            beforePrevious = previous;
            previous = current;
        }
        return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
    }

    /**
     * How much of the energy of {@code payload}, read as G.711 μ-law samples, is a {@code hz}
     * tone: about 1 for the tone itself, about 2/n for n bytes of noise (ciphertext).
     */
    static double toneShareOfMuLaw(byte[] payload, int hz, int sampleRate) {
        double[] x = new double[payload.length];
        double energy = 0;
        for (int i = 0; i < payload.length; i++) {
            x[i] = muLawToLinear(payload[i]);
            energy += x[i] * x[i];
        }
        return energy == 0 ? 0 : goertzelPower(x, hz, sampleRate) / (payload.length / 2.0 * energy);
    }

    /** The μ-law code of a 16-bit sample (ITU-T G.711), for the tests' own plaintext. */
    static byte linearToMuLaw(int sample) {
        int sign = sample < 0 ? 0x80 : 0;
        int magnitude = Math.min(Math.abs(sample), 32_635) + 0x84;
        int exponent = 7;
        for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | exponent << 4 | mantissa);
    }

    private static int muLawToLinear(byte code) {
        int u = ~code & 0xFF;
        int magnitude = ((u & 0x0F) << 3 | 0x84) << ((u >> 4) & 0x07);
        return (u & 0x80) != 0 ? 0x84 - magnitude : magnitude - 0x84;
    }
}
