# pstnsim's own audio features, two pstnsim back to back (switch side and
# card side, no gateway): --play tone:FREQ, --record to .wav and to a raw
# file, and --play of those recordings in later calls.
. tests/integration/lib.sh

# wav_u32 FILE OFFSET: a little-endian 32-bit field of FILE.
wav_u32() {
	od -An -tu4 -j "$2" -N 4 "$1" | tr -d ' '
}

# The switch answers every call, plays 700 Hz and records each call raw.
start sw "$B/pstnsim" --span "1:$T/s.sock:t1:ni2" --play tone:700 \
	--record "$T/sw%u.raw" --exit-after 3 --timeout 40

# Call 1: the card side records 1.5 s of the switch's tone into a WAV.
start a "$B/pstnsim" --span "1:$T/s.sock:t1:ni2:cpe:client" --call 5551000 \
	--hangup-after 1500 --record "$T/a.wav" --timeout 15
wait_exit a 20
[ "$RC_a" = 0 ] || fail "card side of call 1 exited $RC_a"
expect_line "$T/a.log" "event=connect span=1 chan=1 call=1"
expect_line "$T/a.log" "event=hangup span=1 chan=1 call=1 cause=16"
expect_line "$T/a.log" "event=exit code=0"
expect_freq "$T/a.log" "event=heard call=1" 700
wait_for "$T/sw.log" "event=released span=1 chan=1 call=1 cause=16" 5

[ -f "$T/a.wav" ] || fail "no recording a.wav"
[ "$(head -c 4 "$T/a.wav")" = RIFF ] || fail "a.wav: no RIFF tag"
[ "$(dd if="$T/a.wav" bs=1 skip=8 count=8 2>/dev/null)" = "WAVEfmt " ] ||
	fail "a.wav: no WAVE fmt chunk"
[ "$(dd if="$T/a.wav" bs=1 skip=36 count=4 2>/dev/null)" = data ] ||
	fail "a.wav: no data chunk at 36"
[ "$(wav_u32 "$T/a.wav" 24)" = 8000 ] || fail "a.wav: rate is not 8000"
size=$(stat -c %s "$T/a.wav")
data=$(wav_u32 "$T/a.wav" 40)
riff=$(wav_u32 "$T/a.wav" 4)
[ "$data" -eq $((size - 44)) ] || fail "a.wav: data length $data, file $size"
[ "$riff" -eq $((data + 36)) ] || fail "a.wav: RIFF length $riff, data $data"
# 1.5 s of 16-bit samples at 8 kHz is 24000 bytes; allow for the clock
[ "$data" -ge 19200 ] && [ "$data" -le 32000 ] ||
	fail "a.wav: $data bytes of audio for a 1.5 s call"

# Call 2: the card side plays that recording back; the switch must hear
# the recorded 700 Hz (it sends its own tone, it does not hear it).
start b "$B/pstnsim" --span "1:$T/s.sock:t1:ni2:cpe:client" --call 5551000 \
	--hangup-after 1500 --play "$T/a.wav" --timeout 15
wait_exit b 20
[ "$RC_b" = 0 ] || fail "card side of call 2 exited $RC_b"
expect_line "$T/b.log" "event=connect span=1 chan=1 call=1"
wait_for "$T/sw.log" "event=heard call=2 " 5
expect_freq "$T/sw.log" "event=heard call=2 " 700

# The switch's raw recording of call 2: no header, whole samples only.
[ -f "$T/sw2.raw" ] || fail "no raw recording sw2.raw"
raw=$(stat -c %s "$T/sw2.raw")
[ "$(head -c 4 "$T/sw2.raw")" != RIFF ] || fail "sw2.raw has a WAV header"
[ $((raw % 320)) -eq 0 ] || fail "sw2.raw: $raw bytes, not whole 20 ms blocks"
[ "$raw" -ge 19200 ] && [ "$raw" -le 32000 ] ||
	fail "sw2.raw: $raw bytes of audio for a 1.5 s call"

# Call 3: playing the raw recording works as well.
start c "$B/pstnsim" --span "1:$T/s.sock:t1:ni2:cpe:client" --call 5551000 \
	--hangup-after 1500 --play "$T/sw2.raw" --timeout 15
wait_exit c 20
[ "$RC_c" = 0 ] || fail "card side of call 3 exited $RC_c"
wait_exit sw 10
[ "$RC_sw" = 0 ] || fail "switch exited $RC_sw"
expect_freq "$T/sw.log" "event=heard call=3 " 700
expect_line "$T/sw.log" "event=exit code=0"
pass
