// The four signed examples of the amojo docs (chats-api.md §2.2); each reproduces byte for byte.
export const GOLDEN_SECRET = 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e';
const CHANNEL = '344a5002-f8ca-454d-af3d-396180102ac7';
const SCOPE = `${CHANNEL}_52e591f7-c98f-4255-8495-827210138c81`;

export const GOLDEN_VECTORS = [
  {
    name: 'connect',
    method: 'POST',
    path: `/v2/origin/custom/${CHANNEL}/connect`,
    date: 'Wed, 15 Dec 2021 23:12:55 +0000',
    body: '{"account_id":"52e591f7-c98f-4255-8495-827210138c81","title":"ChatsIntegration","hook_api_version":"v2"}',
    md5: '2fbcb3c652b61e24e004daddfc73d0ce',
    signature: '81211856ce0c5095f3e1a90c0a38dc9d736cfd55',
  },
  {
    name: 'disconnect (DELETE with a body)',
    method: 'DELETE',
    path: `/v2/origin/custom/${CHANNEL}/disconnect`,
    date: 'Wed, 15 Dec 2021 23:59:28 +0000',
    body: '{"account_id":"52e591f7-c98f-4255-8495-827210138c81"}',
    md5: '271fa2e4fb0ff84a3ef9689027bd1f38',
    signature: 'e1678e3b6aa674b5127f4feb448e6200ce0bfc72',
  },
  {
    name: 'typing',
    method: 'POST',
    path: `/v2/origin/custom/${SCOPE}/typing`,
    date: 'Thu, 16 Dec 2021 16:01:21 +0000',
    body: '{"conversation_id":"my_int-d5a421f7f218","sender":{"id":"my_int-1376265f-86df-4c49-a0c3-a4816df41af8"}}',
    md5: '255a22566d68be207fa36804e78a523a',
    signature: 'e8263b1daf2b20396c02db6c8c846f95cc0f9540',
  },
  {
    name: 'delivery_status',
    method: 'POST',
    path: `/v2/origin/custom/${SCOPE}/079e44fb-fc22-476b-9e8a-421b688ec53b/delivery_status`,
    date: 'Thu, 16 Dec 2021 12:58:40 +0000',
    body: '{"msgid":"079e44fb-fc22-476b-9e8a-421b688ec53b","delivery_status":2,"error_code":905,"error":"Error text"}',
    md5: 'a0bbbac729c6341f0a521e2db7a8a236',
    signature: 'ca51f810785031385a801f41103244713c1a2352',
  },
] as const;
