#!/usr/bin/env python3
"""Writes the seeds of fuzz_q931 (tests/fuzz/seeds/q931/): realistic
D-channel exchanges coded by hand from ITU-T Q.931 and Q.921, in the
harness's input format (see tests/fuzz/fuzz_q931.c). Run from the tree's
top: python3 tests/fuzz/q931_seeds.py"""
import os

OUT = "tests/fuzz/seeds/q931"

# octet 0: switchtype, role, harness does Q.921, overlap, restart, place
NI2, DMS, ESS5, EURO, QSIG = 0, 1, 2, 3, 4
NET, WRAP, OVERLAP, RESTART, PLACE = 8, 16, 32, 64, 128
# octet 2: free the span in its K-th event (bits 0-5), cancel ours early,
# hang up incoming calls on INFORMATION / PROGRESS
CANCEL_OUT, HUP_INFO = 64, 128
# octet 1: reaction to SETUP, then behaviour bits
PROCEED, ALERT, ANSWER3, ANSWER, PROG, REJ17, REJ34 = 1, 2, 3, 4, 5, 6, 7
HUP_DISC, HUP_CONN, OVL_OUT, TRACE, SHORT = 8, 16, 32, 64, 128

# Q.931 message types (Q.931 table 4-2) and information elements
ALERTING, CALL_PROC, PROGRESS, SETUP, CONNECT, SETUP_ACK = 1, 2, 3, 5, 7, 0x0D
CONNECT_ACK, DISCONNECT, RESTART_M, RELEASE, RESTART_ACK = 0x0F, 0x45, 0x46, 0x4D, 0x4E
RELEASE_COMPLETE, FACILITY, NOTIFY, STATUS_ENQ, INFORMATION, STATUS = (
    0x5A, 0x62, 0x6E, 0x75, 0x7B, 0x7D)


def ie(ident, body):
    return bytes([ident, len(body)]) + bytes(body)


def msg(cref, to_orig, mtype, *ies, pd=0x08):
    """Q.931 message: protocol discriminator, 2-octet call reference with
    its flag (1: sent to the side that originated the call), type."""
    cr = bytes([(0x80 if to_orig else 0) | (cref >> 8) & 0x7F, cref & 0xFF])
    return bytes([pd, 2]) + cr + bytes([mtype]) + b"".join(ies)


def bearer(alaw=False):  # speech, 64 kbit/s circuit mode, G.711
    return ie(0x04, [0x80, 0x90, 0xA3 if alaw else 0xA2])


def chan(b, exclusive=True):  # PRI, B-channel number in octet 3.3
    return ie(0x18, [0xA9 if exclusive else 0xA1, 0x83, 0x80 | b])


def calling(num, ton=2):  # national, E.164, presentation allowed
    return ie(0x6C, [ton << 4 | 1, 0x80] + list(num.encode()))


def called(num, ton=2):
    return ie(0x70, [0x80 | ton << 4 | 1] + list(num.encode()))


SENDING_COMPLETE = bytes([0xA1])


def cause(c, loc=2):
    return ie(0x08, [0x80 | loc, 0x80 | c])


def progress(desc, loc=2):
    return ie(0x1E, [0x80 | loc, 0x80 | desc])


def display(text):
    return ie(0x28, list(text.encode()))


def call_state(s):
    return ie(0x14, [s])


def restart_ind(cls):  # 0 indicated channels, 7 all interfaces
    return ie(0x79, [0x80 | cls])


def frame(payload, wait=0):
    """Harness framing: 9 bits of length, 7 bits of time before it."""
    assert len(payload) < 512 and wait < 128
    w = wait << 9 | len(payload)
    return bytes([w >> 8, w & 0xFF]) + payload


def ms(n):  # time code for n ms (n < 1000, multiple of 10)
    return n // 10


def secs(n):  # time code for 2 s steps
    return 99 + n // 2


def seed(name, f0, f1, *frames, f2=0):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes([f0, f1, f2]) + b"".join(frames))


def main():
    os.makedirs(OUT, exist_ok=True)
    # An incoming call on a CPE span (the harness is the network), NI-2:
    # answered at once, the caller hangs up.
    c = 1
    seed("in_answer_ni2", NI2 | WRAP, ANSWER3 | HUP_DISC,
         frame(msg(c, False, SETUP, bearer(), chan(1), progress(3),
                   display("Alice Smith"), calling("2125550100"),
                   called("7035551234"), SENDING_COMPLETE), ms(20)),
         frame(msg(c, False, CONNECT_ACK), ms(100)),
         frame(msg(c, False, DISCONNECT, cause(16)), secs(4)),
         frame(msg(c, False, RELEASE_COMPLETE, cause(16)), ms(50)))
    # The same call where the network releases without DISCONNECT, with a
    # STATUS ENQUIRY first; DMS-100.
    seed("in_alert_release_dms100", DMS | WRAP, ALERT,
         frame(msg(5, False, SETUP, bearer(), chan(7),
                   calling("4165550199"), called("6135550123"),
                   SENDING_COMPLETE), ms(10)),
         frame(msg(5, False, STATUS_ENQ), ms(200)),
         frame(msg(5, False, RELEASE, cause(31)), secs(2)))
    # EuroISDN on an E1, NET role (the harness is the user side): a
    # caller's SETUP with a non-exclusive channel, alerting then the
    # caller gives up; we hang up on DISCONNECT.
    seed("in_euro_e1_net", EURO | NET | WRAP, PROCEED | HUP_DISC,
         frame(msg(0x21, False, SETUP, bearer(alaw=True),
                   chan(17, exclusive=False),
                   calling("301234567", ton=2), called("8001", ton=4),
                   SENDING_COMPLETE), ms(30)),
         frame(msg(0x21, False, DISCONNECT, cause(16, loc=0)), secs(6)),
         frame(msg(0x21, False, RELEASE_COMPLETE), ms(40)))
    # Overlap receiving: SETUP with two digits, INFORMATION with more,
    # then sending complete; 5ESS.
    seed("in_overlap_5ess", ESS5 | WRAP | OVERLAP, ALERT | HUP_DISC,
         frame(msg(9, False, SETUP, bearer(), chan(3), calling("3125550111"),
                   called("55")), ms(50)),
         frame(msg(9, False, INFORMATION, called("512")), ms(500)),
         frame(msg(9, False, INFORMATION, called("34"), SENDING_COMPLETE),
               ms(300)),
         frame(msg(9, False, DISCONNECT, cause(16)), secs(2)),
         frame(msg(9, False, RELEASE_COMPLETE), ms(20)))
    # Overlap receiving where the digits stop: T302 completes the number.
    seed("in_overlap_t302", NI2 | WRAP | OVERLAP, ANSWER,
         frame(msg(10, False, SETUP, bearer(), chan(2), called("9")), 1),
         frame(msg(10, False, INFORMATION, called("11")), ms(900)),
         frame(msg(10, False, DISCONNECT, cause(16)), secs(8)))
    # A SETUP we reject (user busy), and one for a channel that does not
    # exist on a T1 (cause 82 path); QSIG.
    seed("in_reject_qsig", QSIG | WRAP, REJ17,
         frame(msg(0x101, False, SETUP, bearer(), chan(4), called("2001"),
                   SENDING_COMPLETE), ms(10)),
         frame(msg(0x101, False, RELEASE, cause(17)), ms(100)),
         frame(msg(0x102, False, SETUP, bearer(), chan(28), called("2002"),
                   SENDING_COMPLETE), ms(10)),
         frame(msg(0x102, False, RELEASE_COMPLETE), ms(100)))
    # Our outgoing call (libpri's first call reference is 1): CALL
    # PROCEEDING, PROGRESS, ALERTING, CONNECT, then the network clears.
    seed("out_connect_ni2", NI2 | WRAP | PLACE, HUP_DISC,
         frame(msg(1, True, CALL_PROC, chan(23)), ms(50)),
         frame(msg(1, True, PROGRESS, progress(8)), ms(50)),
         frame(msg(1, True, ALERTING, progress(8)), ms(500)),
         frame(msg(1, True, CONNECT), secs(2)),
         frame(msg(1, True, DISCONNECT, cause(16), progress(8)), secs(10)),
         frame(msg(1, True, RELEASE_COMPLETE), ms(30)))
    # Outgoing overlap sending: SETUP ACKNOWLEDGE, then the network
    # proceeds and refuses the channel (cause 44: we retry elsewhere).
    seed("out_overlap_chan44_5ess", ESS5 | WRAP | PLACE, OVL_OUT,
         frame(msg(1, True, SETUP_ACK, chan(23)), ms(40)),
         frame(msg(1, True, CALL_PROC), ms(40)),
         frame(msg(1, True, RELEASE_COMPLETE, cause(44)), ms(40)),
         frame(msg(2, True, CALL_PROC), ms(200)),
         frame(msg(2, True, CONNECT), ms(200)))
    # Outgoing call never answered past CALL PROCEEDING: T310, short
    # libpri timers, and a STATUS for a call in the wrong state.
    seed("out_t310_status", DMS | WRAP | PLACE, SHORT | HUP_CONN,
         frame(msg(1, True, CALL_PROC), ms(50)),
         frame(msg(1, True, STATUS, cause(101), call_state(10)), ms(90)),
         frame(b"", secs(12)),
         frame(msg(1, True, RELEASE, cause(102)), ms(50)))
    # The far end restarts everything, then one channel; we restart at
    # start-up and it acknowledges channel 1 only (the rest time out).
    seed("restart_ni2", NI2 | WRAP | RESTART, 0,
         frame(msg(0, False, RESTART_ACK, chan(1), restart_ind(0)), ms(10)),
         frame(msg(0, False, RESTART_M, restart_ind(7)), ms(100)),
         frame(msg(0, False, RESTART_M, chan(5), restart_ind(0)), secs(6)))
    # NI-2 SERVICE (maintenance protocol discriminator 0x03): channel 2
    # out of service, then back; a SETUP for it in between.
    seed("service_ni2", NI2 | WRAP, ANSWER,
         frame(msg(0, False, 0x0F, ie(0x01, [0xC2]), chan(2), pd=0x03), 1),
         frame(msg(0x33, False, SETUP, bearer(), chan(2), called("911"),
                   SENDING_COMPLETE), ms(20)),
         frame(msg(0, False, 0x0F, ie(0x01, [0xC0]), chan(2), pd=0x03),
               ms(20)))
    # An established call, then the cable is cut (an empty frame with the
    # longest wait) and comes back: calls cleared, a fresh controller.
    seed("l1_cut_in_call", NI2 | WRAP, ANSWER3 | TRACE,
         frame(msg(2, False, SETUP, bearer(), chan(9), calling("2125550100"),
                   called("7035551234"), SENDING_COMPLETE), ms(20)),
         frame(msg(2, False, CONNECT_ACK), ms(100)),
         frame(msg(2, False, NOTIFY, ie(0x27, [0x80])), ms(100)),
         frame(msg(2, False, FACILITY, ie(0x1C, [0x91, 0xA1, 0x03, 0x02,
                                                  0x01, 0x01])), ms(100)),
         frame(b"", 127),
         frame(msg(3, False, SETUP, bearer(), chan(9), called("1"),
                   SENDING_COMPLETE), ms(10)))
    # Layer 2 raw (no help from the harness), QSIG on a NET span: the
    # user side answers libpri's SABME with UA (a user's response: C/R
    # 1), sends an I-frame with SETUP (C/R 0, N(S) 0), RR, then DISC.
    setup = msg(4, False, SETUP, bearer(), chan(1), called("100"),
                SENDING_COMPLETE)
    seed("raw_lapd_qsig_net", QSIG | NET, ANSWER | TRACE,
         frame(bytes([0x02, 0x01, 0x73]), 1),            # UA, F
         frame(bytes([0x00, 0x01, 0x00, 0x00]) + setup, ms(20)),
         frame(bytes([0x00, 0x01, 0x01, 0x03]), ms(20)),  # RR, P
         frame(bytes([0x02, 0x01, 0x01, 0x01]), ms(20)),  # RR response
         frame(bytes([0x00, 0x01, 0x53]), secs(2)))       # DISC, P
    # Raw on a CPE span: the network answers our SABME with UA (response,
    # C/R 0) and later sends a FRMR and a UI frame.
    seed("raw_lapd_ni2_cpe", NI2, 0,
         frame(bytes([0x00, 0x01, 0x73]), 1),             # UA, F
         frame(bytes([0x02, 0x01, 0x03]) + msg(0, False, STATUS_ENQ), ms(10)),
         frame(bytes([0x00, 0x01, 0x97, 0x00, 0x00, 0x00, 0x01]), ms(10)),
         frame(bytes([0x02, 0x01, 0x00, 0x00]) +
               msg(6, False, SETUP, bearer(), chan(1), called("5"),
                   SENDING_COMPLETE), secs(20)))

    # Operator actions: channel 1 blocked (SERVICE out), our RESTART of
    # all channels (calls dropped), channel 1 unblocked; a call between.
    seed("operator_block_restart_ni2", NI2 | WRAP, ANSWER3,
         frame(b"", 125),
         frame(msg(7, False, SETUP, bearer(), chan(1, exclusive=False),
                   called("4000"), SENDING_COMPLETE), ms(20)),
         frame(msg(7, False, CONNECT_ACK), ms(20)),
         frame(b"", 126),
         frame(msg(0, False, RESTART_ACK, restart_ind(7)), ms(50)),
         frame(b"", 125))
    # Our call cancelled at CALL PROCEEDING (a SIP CANCEL), and an
    # incoming one hung up at its INFORMATION; EuroISDN on an E1.
    seed("out_cancel_in_info_euro", EURO | WRAP | PLACE, ALERT | HUP_DISC,
         frame(msg(1, True, CALL_PROC, chan(30)), ms(30)),
         frame(msg(1, True, RELEASE_COMPLETE), ms(30)),
         frame(msg(0x40, False, SETUP, bearer(alaw=True), chan(5),
                   called("12")), ms(30)),
         frame(msg(0x40, False, INFORMATION, called("3")), ms(30)),
         frame(msg(0x40, False, RELEASE_COMPLETE), ms(30)),
         f2=CANCEL_OUT | HUP_INFO)
    # The span freed by its user from inside its 3rd event (the SETUP of
    # an incoming call), as a reload may: tdm/ finishes the dispatch first.
    seed("free_in_event_dms100", DMS | WRAP, ANSWER,
         frame(msg(8, False, SETUP, bearer(), chan(4), called("77"),
                   SENDING_COMPLETE), ms(10)),
         frame(msg(8, False, DISCONNECT, cause(16)), ms(10)),
         f2=3)


if __name__ == "__main__":
    main()
