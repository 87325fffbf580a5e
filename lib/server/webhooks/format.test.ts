import { describe, expect, it } from 'vitest'
import { nextAttemptAfter } from '@/lib/domain/webhooks'
import { bodyOf, slackMessageOf, summaryOf } from './format'

const failed = {
  type: 'run.failed',
  timestamp: '2026-12-07T08:00:00.000Z',
  data: {
    plan: { id: 'p', title: 'Orders <v2> & more' },
    phase: { id: 'f', name: 'Schema' },
    environment: { id: 'e', name: 'production' },
    run: { id: 'r', status: 'FAILED', url: 'https://lockstep.example.com/runs/r' },
  },
}

describe('webhook bodies', () => {
  it('say what happened and where in one line, and link to it', () => {
    expect(summaryOf(failed)).toBe('Run failed: Orders <v2> & more · Schema · production')
    expect(slackMessageOf(failed)).toEqual({
      text: 'Run failed: Orders <v2> & more · Schema · production',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            // Slack's markup characters in names are escaped, so a title cannot forge a link.
            text: '*Run failed: Orders &lt;v2&gt; &amp; more · Schema · production*\n<https://lockstep.example.com/runs/r|Open in Lockstep>',
          },
        },
      ],
    })
  })

  it('send the payload itself in the standard format', () => {
    expect(JSON.parse(bodyOf('STANDARD', failed))).toEqual(failed)
    expect(JSON.parse(bodyOf('SLACK', failed))).toHaveProperty('blocks')
  })

  it('wait 30 s, 2 min, 10 min, 1 h and 6 h between attempts, then give up', () => {
    const now = new Date('2026-12-07T08:00:00Z')
    const waits = [1, 2, 3, 4, 5, 6].map((n) => nextAttemptAfter(n, now)?.getTime())
    expect(waits.map((t) => (t === undefined ? null : (t - now.getTime()) / 1000))).toEqual([
      30,
      120,
      600,
      3600,
      21600,
      null,
    ])
  })
})
